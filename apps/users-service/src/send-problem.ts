/** Sends a problem+json answer with this request's id in it. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

/**
 * Send `body` as `application/problem+json` with extra headers.
 * @example
 * return sendProblem(request, reply, problem(404, 'No such route.'));
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  body: Problem,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply
    .code(body.status)
    .headers(headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, requestId: request.id });
}
