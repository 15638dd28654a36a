import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { OrganizationView, OrganizationViewPort } from '#usecases/ports.ts';
import { type AdapterClientOptions, clientConfigFor } from './client-config.ts';

export interface OrganizationViewStoreOptions extends AdapterClientOptions<DynamoDBDocumentClient> {
  /** The account table: the view is one more item in it, under a key no account id can take. */
  table: string;
  region: string;
}

/** Not twelve digits, so the account store's scan never takes it for an account. */
export const ORGANIZATION_VIEW_KEY = 'organization-view';

const ItemSchema = z.object({
  AccountId: z.literal(ORGANIZATION_VIEW_KEY),
  SeenAt: z.string(),
  Units: z.array(z.object({ Id: z.string(), Name: z.string(), ParentId: z.string().optional() })),
});

export class DynamoOrganizationViewStore implements OrganizationViewPort {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly options: OrganizationViewStoreOptions) {
    this.documents =
      options.client ??
      DynamoDBDocumentClient.from(new DynamoDBClient(clientConfigFor(options.region, options.clientConfig)), {
        marshallOptions: { removeUndefinedValues: true },
      });
  }

  async read(): Promise<OrganizationView | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.options.table,
        Key: { AccountId: ORGANIZATION_VIEW_KEY },
        ConsistentRead: true,
      }),
    );
    const parsed = ItemSchema.safeParse(Item);
    // An item of another shape is no view: the next save replaces it.
    if (!parsed.success) return undefined;
    return {
      seenAt: parsed.data.SeenAt,
      units: parsed.data.Units.map((unit) => ({ id: unit.Id, name: unit.Name, parentId: unit.ParentId })),
    };
  }

  async save(view: OrganizationView): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.options.table,
        Item: {
          AccountId: ORGANIZATION_VIEW_KEY,
          SeenAt: view.seenAt,
          Units: view.units.map((unit) => ({ Id: unit.id, Name: unit.name, ParentId: unit.parentId })),
        },
      }),
    );
  }
}
