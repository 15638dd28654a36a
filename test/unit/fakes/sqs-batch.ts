import type { SQSEvent } from 'aws-lambda';

/** An SQS batch as Lambda delivers it, one record per body (objects are sent as JSON). */
export function sqsBatch(queueName: string, bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m${index}`,
      receiptHandle: 'r',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws-cn:sqs:cn-northwest-1:999999999999:${queueName}`,
      awsRegion: 'cn-northwest-1',
    })),
  };
}
