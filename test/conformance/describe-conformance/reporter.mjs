import { writeFileSync } from 'node:fs';

/** Writes what vitest recorded of each test: its state, skip note, annotations and error messages. */
export default class RecordingReporter {
  #tests = [];
  onTestCaseResult(testCase) {
    const result = testCase.result();
    this.#tests.push({
      name: testCase.name,
      state: result.state,
      note: result.note,
      annotations: testCase.annotations().map((a) => ({ type: a.type, message: a.message })),
      errors: (result.errors ?? []).map((e) => e.message),
    });
  }
  onTestRunEnd() {
    writeFileSync(process.env.RECORD_TO, JSON.stringify(this.#tests));
  }
}
