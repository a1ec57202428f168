import type Koa from 'koa';
import type { Middleware } from '../kernel/plugin-types.js';

type KoaResponseState = {
  _body: unknown;
  _explicitStatus?: boolean;
  status: number;
  type: string;
  remove(field: string): void;
};

function isPlainJson(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const isSettled = (body: unknown) =>
  body == null || typeof body === 'string' || Buffer.isBuffer(body) || isPlainJson(body);

/**
 * Koa tests every object body against the globals ReadableStream, Blob and
 * Response, once when it is set and again when it is sent. Reading `Response`
 * makes Node load its whole fetch implementation (undici): about 20 ms on the
 * first JSON answer of a fresh process, a tenth of mock-idp's start-up, for
 * bodies that are plain objects. Here a plain object or array that replaces a
 * body which is not a stream takes Koa's own JSON branch directly (status 200
 * unless set, no Content-Length, a JSON type), and the returned middleware,
 * the app's outermost of ours, hands Koa the serialized text to send. Every
 * other body goes through Koa unchanged.
 */
export function answerJsonWithoutFetch(app: Koa): Middleware {
  const koaBody = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(app.response), 'body');
  if (!koaBody?.get || !koaBody.set) return (_ctx, next) => next();
  const { get, set } = koaBody;
  Object.defineProperty(app.response, 'body', {
    configurable: true,
    get,
    set(this: KoaResponseState, value: unknown) {
      if (!isPlainJson(value) || !isSettled(this._body)) {
        set.call(this, value);
        return;
      }
      this._body = value;
      if (!this._explicitStatus) this.status = 200;
      this.remove('Content-Length');
      if (!this.type || !/\bjson\b/i.test(this.type)) this.type = 'json';
    },
  });
  return async (ctx, next) => {
    await next();
    // Inner middleware (scenarios, quirks, the request log) have read and edited the object by now.
    if (isPlainJson(ctx.body)) ctx.body = JSON.stringify(ctx.body);
  };
}
