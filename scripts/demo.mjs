#!/usr/bin/env node
// The main job, end to end: start the local DMS emulator with a running and a suspended
// task-flow instance, stop the first and resume the second through the package (signed
// requests over the host's fetch), and say what happened in plain words.
import { DmsClient, DmsError } from 'dms-taskflow';
import { startEmulator, DEFAULT_ACCOUNTS } from '../emulator/index.mjs';

const DAG = '1001';
const emulator = await startEmulator({
  seed: {
    instances: [
      { dagId: DAG, dagInstanceId: '5001', status: 'running', dagVersion: '3' },
      { dagId: DAG, dagInstanceId: '5002', status: 'suspended', dagVersion: '3' },
    ],
  },
});
const status = (id) => emulator.getInstance(DAG, id).status;

try {
  console.log(`Started a local DMS emulator at ${emulator.url}.`);
  console.log('It checks signatures, timestamps and nonces the way the DMS gateway does.\n');
  console.log(`Task flow ${DAG}: instance 5001 is ${status('5001')}, instance 5002 is ${status('5002')}.\n`);

  const { accessKeyId, accessKeySecret } = DEFAULT_ACCOUNTS[0];
  const client = new DmsClient({ accessKeyId, accessKeySecret, endpoint: emulator.url });

  const stopped = await client.stopTaskFlowInstance({ dagId: DAG, dagInstanceId: 5001 });
  console.log(`Stopped instance 5001 (request ${stopped.requestId}). The emulator now says it is ${status('5001')}.`);

  const resumed = await client.resumeTaskFlowInstance({ dagId: DAG, dagInstanceId: 5002, dagVersion: '3' });
  console.log(`Resumed instance 5002 at version 3 (request ${resumed.requestId}). The emulator now says it is ${status('5002')}.`);

  try {
    await client.resumeTaskFlowInstance({ dagId: DAG, dagInstanceId: 5001, dagVersion: '3' });
    throw new Error('resuming a stopped instance should have been refused');
  } catch (error) {
    if (!(error instanceof DmsError)) throw error;
    console.log(`\nResuming the stopped instance 5001 is refused, as DMS would: ${error.code}: ${error.message}`);
  }

  if (status('5001') !== 'stopped' || status('5002') !== 'running') {
    throw new Error('the instances did not end in the expected states');
  }
  console.log(`\nDone: ${emulator.requestCount} signed requests, all verified by the emulator.`);
} finally {
  await emulator.close();
}
