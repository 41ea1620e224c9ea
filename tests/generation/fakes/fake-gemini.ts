// The Gemini API on port 0 as @google/genai calls it (dist/node/index.mjs:
// `x-goog-api-key`, POST /v1beta/models/{model}:generateContent with
// `contents` and `generationConfig`, GET /v1beta/models/{model}) and the API
// answers: `candidates[].content.parts[]` with `inlineData` images and a
// `finishReason`, `promptFeedback.blockReason` for a blocked prompt, and
// errors as google.rpc.Status `{error: {code, message, status, details}}`
// (API_KEY_INVALID as 400, RESOURCE_EXHAUSTED with RetryInfo as 429).
import { colourOf } from './fake-comfyui.ts';
import { type HttpFake, json, png, startHttpFake } from './http-fake.ts';

export const GEMINI_TEST_KEY = 'AIzaTestKey0000000000000000000000000000';
export const MODEL = 'gemini-2.5-flash-image';

export interface GeminiBehaviour {
  /** Answers generateContent with this finish reason and no image. */
  finishReason?: string;
  /** The prompt is blocked before any candidate. */
  blockReason?: string;
  /** 429 RESOURCE_EXHAUSTED with this RetryInfo delay. */
  retryDelay?: string;
}

export interface FakeGemini extends HttpFake {
  behaviour: GeminiBehaviour;
}

export async function startFakeGemini(): Promise<FakeGemini> {
  let fake: FakeGemini | undefined;
  const http = await startHttpFake(async (req, res) => {
    const behaviour = fake?.behaviour ?? {};
    if (req.headers['x-goog-api-key'] !== GEMINI_TEST_KEY) {
      return json(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        },
      });
    }
    const path = req.path.split('?')[0]!;
    const match = /^\/v1beta\/models\/([^:/]+)(:generateContent)?$/.exec(path);
    if (!match) return json(res, 404, { error: { code: 404, message: `Not found: ${path}`, status: 'NOT_FOUND' } });
    if (match[1] !== MODEL) {
      return json(res, 404, {
        error: {
          code: 404,
          message: `models/${match[1]} is not found for API version v1beta, or is not supported for generateContent.`,
          status: 'NOT_FOUND',
        },
      });
    }
    if (!match[2]) {
      return json(res, 200, {
        name: `models/${MODEL}`,
        version: '2.0',
        displayName: 'Nano Banana',
        description: 'Gemini 2.5 Flash Image',
        inputTokenLimit: 32768,
        outputTokenLimit: 32768,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      });
    }
    if (behaviour.retryDelay) {
      return json(res, 429, {
        error: {
          code: 429,
          message: 'You exceeded your current quota, please check your plan and billing details.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: behaviour.retryDelay },
          ],
        },
      });
    }
    const usage = { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302 };
    if (behaviour.blockReason)
      return json(res, 200, { promptFeedback: { blockReason: behaviour.blockReason }, usageMetadata: usage, modelVersion: MODEL });
    if (behaviour.finishReason) {
      return json(res, 200, {
        candidates: [{ content: { role: 'model', parts: [] }, finishReason: behaviour.finishReason, index: 0 }],
        usageMetadata: usage,
        modelVersion: MODEL,
      });
    }
    const config = (req.body.generationConfig ?? {}) as { seed?: number };
    const image = await png(64, 64, colourOf(Number(config.seed ?? 0)));
    json(res, 200, {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'Here is your image.' }, { inlineData: { mimeType: 'image/png', data: image.toString('base64') } }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: usage,
      modelVersion: MODEL,
      responseId: Math.random().toString(36).slice(2),
    });
  });
  fake = Object.assign(http, { behaviour: {} });
  return fake;
}
