/**
 * A write the declarations (functions/store/table-writes.ts) do not allow fails a test: with the
 * publisher declared without the order partitions it writes, its writes there are refused as IAM
 * would refuse them (local/runtime/table-policy.ts), Sinqro hears nothing, and stopping the runtime fails,
 * naming the function, the action and the partition. (One runtime per file: the handlers' clients
 * keep the endpoints of the first one.)
 */
import { TABLE_WRITES } from '../../functions/store/table-writes';
import { demoOrder } from '../../local/demo/data';
import { envelope, startHarness, waitFor } from './harness';

jest.setTimeout(60_000);

describe('under a declaration that leaves out a partition the code writes', () => {
  test("the publisher's writes there are refused as IAM would refuse them, and stopping the runtime names them", async () => {
    const withoutOrders = TABLE_WRITES.publisher.partitions.filter((p) => p !== 'ORDER#*');
    const replaced = jest.replaceProperty(TABLE_WRITES, 'publisher', {
      ...TABLE_WRITES.publisher,
      partitions: withoutOrders,
    });
    const h = await startHarness();
    try {
      const id = h.nextId();
      await h.sendEvent(envelope('order.created', demoOrder(id)));
      await h.waitForPosOrder(id);
      await waitFor('a refused publisher write', () => h.rt.tablePolicy.denied.length > 0);
      expect(h.rt.tablePolicy.denied[0]).toMatchObject({
        functionName: 'sinqro-publisher',
        partitionKeys: [`ORDER#${id}`],
      });
      expect(h.sinqroStatuses(id)).toEqual([]);
    } finally {
      replaced.restore();
      await expect(h.rt.stop()).rejects.toThrow(
        /table write\(s\) outside the writer's declared partitions \(functions\/store\/table-writes\.ts\): sinqro-publisher UpdateItem ORDER#/,
      );
    }
  });
});
