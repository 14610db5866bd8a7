import type { Connection } from '@supergraph/common';
import type { WebhookDeliveryModel, WebhookEndpointModel } from './__generated__/prisma/models.ts';

/** A user is owned by the users subgraph; here it is only its key. */
export interface UserRef {
  id: string;
}

/** What connection resolvers return; codegen maps the GraphQL types to these. */
export type WebhookEndpointConnectionModel = Connection<WebhookEndpointModel>;
export type WebhookDeliveryConnectionModel = Connection<WebhookDeliveryModel>;

/** What create and rotate return: the endpoint and its secret, shown this once. */
export interface WebhookEndpointWithSecretModel {
  endpoint: WebhookEndpointModel;
  secret: string;
}
