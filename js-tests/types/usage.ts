// Compiled with `tsc --strict --noEmit` by js-tests/types.test.mjs: the whole public API
// as a user writes it. Lines marked @ts-expect-error must stay errors.
import { DmsClient, DmsError, InstanceStatus as Statuses, instanceStatusName, resumeTaskFlowInstance, signRequest, stopTaskFlowInstance, wasmMemoryBytes } from 'dms-taskflow';
import type { InstanceStatus, OperationResult, SignedRequest, WaitOptions, WaitProgress, WaitResult } from 'dms-taskflow';

async function main(): Promise<void> {
  const client = new DmsClient({ accessKeyId: 'id', accessKeySecret: 'secret', endpoint: 'http://127.0.0.1:1' });
  const stopped: OperationResult = await client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2n, tid: '3' });
  const requestId: string = stopped.requestId;
  await client.resumeTaskFlowInstance({ dagId: '1', dagInstanceId: 2, dagVersion: '3' });
  await stopTaskFlowInstance({ accessKeyId: 'id', accessKeySecret: 's', dagId: 1, dagInstanceId: 2 });
  await resumeTaskFlowInstance({ accessKeyId: 'id', accessKeySecret: 's', dagId: 1, dagInstanceId: 2, dagVersion: '3' });
  const request: SignedRequest = signRequest({ accessKeyId: 'id', accessKeySecret: 's' }, 'StopTaskFlowInstance', { DagId: '7', DagInstanceId: '47' }, { nonce: 'n' });
  const body: string | undefined = request.body;
  const presigned: string = signRequest({ accessKeyId: "id", accessKeySecret: "s" }, "StopTaskFlowInstance", { DagId: 1, DagInstanceId: 2 }, { method: "GET" }).url;
  const v3 = new DmsClient({ accessKeyId: "id", accessKeySecret: "s", signatureVersion: "v3", regionId: "cn-hangzhou", network: "vpc" });
  // @ts-expect-error only v1 and v3 exist
  new DmsClient({ signatureVersion: "v2" });

  const resilient = new DmsClient({
    credentials: async () => ({ accessKeyId: 'STS.x', accessKeySecret: 's', securityToken: 't', expiration: new Date() }),
    maxAttempts: 5,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 2000,
    timeoutMs: 10_000,
    onRequest: ({ action, attempt }) => console.log(action, attempt),
    onResponse: ({ status, requestId, durationMs, code, retrying }) => console.log(status, requestId, durationMs, code, retrying),
  });
  await resilient.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 }, { signal: AbortSignal.timeout(1000), timeoutMs: 500 });
  const bytes: number = wasmMemoryBytes();

  // Every operation of the table, with typed results (ids as strings, wrappers unwrapped).
  const list = await client.listTaskFlowInstance({ dagId: 1, pageIndex: 1, pageSize: 20 });
  const firstId: string | undefined = list.dagInstanceList?.[0]?.id;
  const total: number | undefined = list.totalCount;
  // @ts-expect-error ids in results are strings, not numbers
  const wrong: number | undefined = list.dagInstanceList?.[0]?.id;
  const edges = await client.addTaskFlowEdges({ dagId: '1', edges: [{ nodeFrom: 1, nodeEnd: 2 }] });
  const edgeIds: string[] | undefined = edges.edgeIds;
  // @ts-expect-error pageSize is required
  await client.listTaskFlowInstance({ dagId: 1, pageIndex: 1 });
  // client.call: table actions with wire names, typed; any other action, loosely typed.
  const stoppedViaCall: string = (await client.call('StopTaskFlowInstance', { DagId: '1', DagInstanceId: 2n })).requestId;
  const users = await client.call('ListUsers', { PageNumber: 1, Role: 'ADMIN' });
  const anything: unknown = users.userList;
  // @ts-expect-error table actions take their wire parameters
  await client.call('StopTaskFlowInstance', { dagId: 1, dagInstanceId: 2 });
  console.log(firstId, total, wrong, edgeIds, stoppedViaCall, anything);
  // @ts-expect-error signRequest cannot use a credentials function
  signRequest({ credentials: async () => ({ accessKeyId: 'a', accessKeySecret: 'b' }) }, 'StopTaskFlowInstance', { DagId: 1, DagInstanceId: 2 });

  // waitForInstance: poll until a status; progress after every poll.
  const waitOptions: WaitOptions = {
    dagId: '1001',
    dagInstanceId: 5001n,
    until: ['succeeded', 'completed'],
    intervalMs: 1000,
    timeoutMs: 60_000,
    signal: AbortSignal.timeout(5000),
    onProgress: (progress: WaitProgress) => console.log(progress.status, progress.statusCode, progress.polls, progress.elapsedMs, progress.instance.id),
  };
  const waited: WaitResult = await client.waitForInstance(waitOptions);
  const finalStatus: InstanceStatus = waited.status;
  const waitedId: string | undefined = waited.instance.id;
  await client.waitForInstance({ dagId: 1, dagInstanceId: 2, until: 'suspended' });
  // @ts-expect-error not a status name
  await client.waitForInstance({ dagId: 1, dagInstanceId: 2, until: 'stopped' });
  // @ts-expect-error dagInstanceId is required
  await client.waitForInstance({ dagId: 1 });
  console.log(finalStatus, waitedId, waited.polls, waited.elapsedMs, waited.statusCode);

  // Status names and numbers, paging, JSON parameters typed item by item, signingHost.
  const running: 1 = Statuses.running;
  const named: InstanceStatus | undefined = instanceStatusName(running);
  await client.listTaskFlowInstance({ dagId: 1, pageIndex: 1, pageSize: 10, status: 'running' });
  await client.waitForInstance({ dagId: 1, dagInstanceId: 2, until: [4, 'failed'] });
  for await (const instance of client.paginate('listTaskFlowInstance', { dagId: 1, status: 'running' }, { timeoutMs: 5000 })) {
    const instanceId: string | undefined = instance.id;
    console.log(instanceId, named);
  }
  for await (const flow of client.paginate('listTaskFlowsByPage', { dagIdList: [1n, '2'] })) console.log(flow.dagName);
  // @ts-expect-error listTaskFlow does not page
  client.paginate('listTaskFlow', {});
  await client.addTaskFlowEdges({ dagId: 1, edges: [{ nodeFrom: 1n, nodeEnd: '2' }] });
  // @ts-expect-error an unknown item key
  await client.addTaskFlowEdges({ dagId: 1, edges: [{ nodeFrom: 1, to: 2 }] });
  await client.addLhMembers({ objectId: 1, objectType: 0, members: [{ userId: 15, roles: ['MEMBER'] }] });
  await client.updateTaskFlowNameAndDesc({ dagId: 1, dagName: 'n', description: null });
  new DmsClient({ endpoint: 'https://admin.example.com/api/dms', signatureVersion: 'v3', signingHost: 'dms-enterprise.aliyuncs.com' });

  // @ts-expect-error dagVersion is required for resume
  await client.resumeTaskFlowInstance({ dagId: 1, dagInstanceId: 2 });
  // @ts-expect-error unknown parameter
  await client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2, dagID: 3 });
  // @ts-expect-error wire names for signRequest
  signRequest({}, 'StopTaskFlowInstance', { dagId: 1, dagInstanceId: 2 });
  // @ts-expect-error unknown action
  signRequest({}, 'DescribeRegions', {});

  try {
    await client.stopTaskFlowInstance({ dagId: 1, dagInstanceId: 2 });
  } catch (error) {
    if (error instanceof DmsError) {
      const code: string = error.code;
      const status: number | undefined = error.status;
      const retryable: boolean = error.retryable;
      const action: string | undefined = error.action;
      console.log(action);
      console.log(code, status, retryable, error.requestId, requestId, body, bytes, presigned, v3);
    }
  }
}
void main;
