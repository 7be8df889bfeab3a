/** dynalite (DynamoDB's wire protocol, in memory) with the table created from the stack's own key design. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE } from '../../functions/store/table';
import { close, listen, sendJson } from './http-util';

export async function startDynalite(port: number): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const dynalite = (await import('dynalite')).default as unknown as (opts: object) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  refuseUnparsableTargets(server);
  const bound = await listen(server, port);
  return { endpoint: `http://127.0.0.1:${bound}`, stop: () => close(server) };
}

/**
 * dynalite reads each request's target with url.parse outside any try: one it cannot parse
 * (`POST http://[::1/`) would end the whole local runtime. Such a request is answered 400 before it.
 */
function refuseUnparsableTargets(server: Server): void {
  const [dynaliteHandler] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      parse(req.url ?? '/', true);
    } catch {
      return sendJson(res, 400, { __type: 'com.amazon.coral.service#SerializationException' });
    }
    dynaliteHandler?.(req, res);
  });
}

/** Same keys and index as lib/ (TTL is left out: dynalite has none, and nothing depends on it). */
export async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { partitionKey, sortKey, gsi1 } = TABLE;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [partitionKey, sortKey, gsi1.partitionKey, gsi1.sortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: gsi1.indexName,
          KeySchema: [
            { AttributeName: gsi1.partitionKey, KeyType: 'HASH' },
            { AttributeName: gsi1.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: gsi1.projection },
        },
      ],
    }),
  );
  client.destroy();
}
