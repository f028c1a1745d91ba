/**
 * The one reading of a response that checks and captures see: its body view (read once) and its text.
 * `body` (the expectation subject) is the text of a text or JSON body, the UTF-8 reading of a binary one
 * (invalid sequences become U+FFFD, so `body contains "PNG"` works on an image), and "" for no body or a
 * body written to a file. A walk of pages reads as one response: the last page's status and headers, all the
 * items as its JSON body, the summed durations and sizes.
 */
import { viewBody, type BodyView } from '../engine/body-view.js';
import type { ResponseData, Timings } from '../engine/types.js';
import type { ResponseFacts } from '../expect/subject-context.js';
import { roundMs } from './round-ms.js';

export interface ReadResponse {
  readonly view: BodyView;
  readonly facts: ResponseFacts;
}

export function readResponse(response: ResponseData, timings: Timings): ReadResponse {
  const view = viewBody(response.body, response.headers);
  return {
    view,
    facts: {
      status: response.status,
      headers: response.headers,
      bodyText: textOf(view),
      json: view.kind === 'json' ? view.value : undefined,
      // Rounded as the reported timings are: `duration < 200` compares (and shows) the number the timings show.
      durationMs: roundMs(timings.total ?? 0),
      sizeBytes: response.size,
      ...(view.kind === 'text' && view.note !== undefined ? { jsonUnavailable: view.note } : {}),
    },
  };
}

export function walkFacts(last: ResponseData, items: readonly unknown[], totals: { durationMs: number; sizeBytes: number }): ResponseFacts {
  return { status: last.status, headers: last.headers, bodyText: JSON.stringify(items), json: items, durationMs: roundMs(totals.durationMs), sizeBytes: totals.sizeBytes };
}

function textOf(view: BodyView): string {
  switch (view.kind) {
    case 'none':
      return '';
    case 'json':
    case 'text':
      return view.text;
    case 'binary':
      return new TextDecoder('utf-8', { fatal: false }).decode(view.bytes);
  }
}
