/**
 * Every `code` a `response`'s `error` may carry, written once: a method's refusal, or, for a
 * request the hub could not read, why (the decoder's own code, codec.ts). Callers branch on them
 * (`ClientError.code`, `MethodError.code`); a code from elsewhere is read as `internal`.
 */
import { z } from 'zod';

/** Why the decoder refused one message; a bad request with an id is answered with it. */
export const DECODE_ERROR_CODES = ['empty', 'oversize', 'malformed_json', 'not_object', 'unknown_type', 'unknown_field', 'missing_field', 'wrong_type', 'bad_channel'] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

/** Why a method refused a request (MethodError). */
export const METHOD_ERROR_CODES = ['bad_request', 'bad_params', 'unknown_method', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable', 'timeout', 'internal'] as const;

/** Error codes of a `response`'s `error.code`. */
export const ERROR_CODES = [...METHOD_ERROR_CODES, ...DECODE_ERROR_CODES] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
