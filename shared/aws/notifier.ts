import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { formatNotice } from '#shared/notifications.ts';
import type { FailureNotice, NotifierPort } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';

export interface NotifierOptions extends AdapterClientOptions<SNSClient> {
  topicArn: string;
  region: string;
}

/** Publishes one SNS message per failure to the operators' topic. */
export class SnsNotifier implements NotifierPort {
  private readonly sns: SNSClient;

  constructor(private readonly options: NotifierOptions) {
    this.sns = options.client ?? new SNSClient(clientConfigFor(options.region, options.clientConfig));
  }

  async notify(notice: FailureNotice): Promise<void> {
    const { subject, message } = formatNotice(notice);
    await this.sns.send(
      new PublishCommand({ TopicArn: this.options.topicArn, Subject: subject, Message: message }),
    );
  }
}
