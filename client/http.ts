import type * as oidc from 'openid-client';
import { HttpError } from './errors.js';

/** A response read completely, within the byte limit. */
export interface BufferedResponse {
  url: string;
  status: number;
  statusText: string;
  headers: Headers;
  body: Uint8Array;
}

export interface HttpOptions {
  /** Replaces globalThis.fetch (msw, a proxy agent...). */
  fetch?: typeof fetch;
  /** Larger answers are refused before they are parsed. Default 256 KiB. */
  maxResponseBytes?: number;
  /** Default 30 s, for requests we make ourselves (openid-client keeps its own). */
  timeoutMs?: number;
  /** Plain http for our own requests (openid-client is told separately). Default false. */
  allowInsecureRequests?: boolean;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function bodyText(response: BufferedResponse): string {
  return new TextDecoder().decode(response.body);
}

export function contentType(response: BufferedResponse): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** An HTML page where an API answer was expected (a proxy's or a login page's error). */
export function looksLikeHtml(response: BufferedResponse): boolean {
  return (
    contentType(response) === 'text/html' ||
    /^\s*<(?:!doctype|html|head|body)\b/i.test(bodyText(response).slice(0, 512))
  );
}

/** The page title of an HTML answer, for an error message a person can act on. */
export function htmlSummary(response: BufferedResponse): string {
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(bodyText(response))?.[1]?.trim();
  return `HTTP ${response.status}${title ? ` "${title}"` : ''}`;
}

/**
 * Every request of the client goes through here, including openid-client's
 * (as its customFetch): one place bounds response sizes, so a hostile or
 * broken server cannot make us buffer or parse gigabytes.
 */
export class Http {
  readonly #fetch: typeof fetch;
  readonly maxResponseBytes: number;
  readonly #timeoutMs: number;
  readonly #allowInsecure: boolean;

  constructor(options: HttpOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#allowInsecure = options.allowInsecureRequests ?? false;
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<BufferedResponse> {
    const href = String(url);
    if (!this.#allowInsecure && new URL(href).protocol !== 'https:') {
      throw new HttpError('insecure_request', href, `refusing to send a request to ${href}: only https is allowed`);
    }
    let response: Response;
    try {
      response = await this.#fetch(href, { redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs), ...init });
    } catch (cause) {
      throw new HttpError('network_error', href, `request to ${href} failed`, { cause });
    }
    return this.#buffer(href, response);
  }

  /**
   * openid-client's customFetch, bounded. `inspect` sees the whole answer
   * first and may replace it or throw; openid-client wraps what it throws,
   * and findRelyingPartyError() unwraps it again.
   */
  customFetch(
    inspect?: (response: BufferedResponse) => BufferedResponse | Promise<BufferedResponse>,
  ): oidc.CustomFetch {
    return async (url, options) => {
      let response: Response;
      try {
        response = await this.#fetch(url, options as RequestInit);
      } catch (cause) {
        throw new HttpError('network_error', url, `request to ${url} failed`, { cause });
      }
      let buffered = await this.#buffer(url, response);
      if (inspect) buffered = await inspect(buffered);
      return new Response(NULL_BODY_STATUSES.has(buffered.status) ? null : (buffered.body as Uint8Array<ArrayBuffer>), {
        status: buffered.status,
        statusText: buffered.statusText,
        headers: buffered.headers,
      });
    };
  }

  async #buffer(url: string, response: Response): Promise<BufferedResponse> {
    const limit = this.maxResponseBytes;
    const tooLarge = () =>
      new HttpError('response_too_large', url, `the answer from ${url} is larger than ${limit} bytes`);
    const declared = Number(response.headers.get('content-length'));
    if (declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > limit) {
            await reader.cancel().catch(() => undefined);
            throw tooLarge();
          }
          chunks.push(value);
        }
      } catch (cause) {
        if (cause instanceof HttpError) throw cause;
        throw new HttpError('network_error', url, `reading the answer from ${url} failed`, { cause });
      }
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    // The body is decoded already: stale length/encoding headers would mislead a re-reader.
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return { url, status: response.status, statusText: response.statusText, headers, body };
  }
}
