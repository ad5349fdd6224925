// What the package puts on the wire for the parameters the vendor's SDK (3.0.0) was compared
// with: keys inside JSON parameters under their wire names, bigints inside them as digits,
// empty strings sent, null and undefined left out. Checked on the form body the package
// sends (a fetch spy) and against the emulator's full model, which reads wire names only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createFetchSpy } from '../support/fetch-spy.mjs';
import { KEY, emulatorFixture } from '../support/emulator.mjs';
import { loadPackage } from '../support/load-package.mjs';

const { variants } = await loadPackage();
const emu = await emulatorFixture({ model: 'full' });

for (const [label, mod] of variants) {
  describe(`${label}: the wire`, () => {
    const client = (fetch) => new mod.DmsClient({ ...KEY, endpoint: emu.url, fetch });

    test('item keys of JSON parameters go out with their wire names, and the emulator reads them', async () => {
      const fetch = createFetchSpy();
      await client(fetch).updateTaskFlowConstants({
        dagId: '1001',
        dagConstants: [{ key: 'target_schema', value: 'ods' }, { key: 'day', value: '' }],
      });
      assert.equal(fetch.calls[0].params.DagConstants, '[{"Key":"target_schema","Value":"ods"},{"Key":"day","Value":""}]');
      const { dagConstants } = await client().listTaskFlowConstants({ dagId: '1001' });
      assert.deepEqual(dagConstants, [{ key: 'target_schema', value: 'ods' }, { key: 'day', value: '' }]);
    });

    test('wire-named items and JSON text are accepted too', async () => {
      const fetch = createFetchSpy();
      await client(fetch).updateTaskFlowConstants({ dagId: '1001', dagConstants: [{ Key: 'a', Value: 'b' }] });
      await client(fetch).updateTaskFlowConstants({ dagId: '1001', dagConstants: '[{"Key":"c","Value":"d"}]' });
      assert.deepEqual(fetch.calls.map((call) => call.params.DagConstants), ['[{"Key":"a","Value":"b"}]', '[{"Key":"c","Value":"d"}]']);
    });

    test('bigints inside JSON parameters are sent exactly, as digits', async () => {
      const fetch = createFetchSpy();
      await client(fetch).addLhMembers({ objectId: 8001n, objectType: 0, members: [{ userId: 9007199254740997n, roles: ['MEMBER'] }] });
      assert.equal(fetch.calls[0].params.Members, '[{"UserId":9007199254740997,"Roles":["MEMBER"]}]');
      const page = await client(fetch).listTaskFlowsByPage({ dagIdList: [1001n, '9007199254740995', 1002] });
      assert.equal(fetch.calls[1].params.DagIdList, '[1001,9007199254740995,1002]');
      assert.deepEqual(page.taskFlowList.map((flow) => flow.id).sort(), ['1001', '1002', '9007199254740995']);
    });

    test('unknown item keys are refused with the allowed ones, before anything is sent', async () => {
      const fetch = createFetchSpy();
      await assert.rejects(
        client(fetch).addTaskFlowEdges({ dagId: '1001', edges: [{ nodeFrom: '1', to: '2' }] }),
        (error) => error instanceof mod.DmsError && error.code === 'InvalidParameter' &&
          error.message === "edges[0] has an unknown key 'to'; allowed: nodeFrom, nodeEnd",
      );
      await assert.rejects(
        client(fetch).addTaskFlowEdges({ dagId: '1001', edges: [{ nodeFrom: 1.5, nodeEnd: 2 }] }),
        (error) => error.code === 'InvalidParameter' && error.message.startsWith('edges[0].nodeFrom must be an id'),
      );
      await assert.rejects(
        client(fetch).addTaskFlowEdges({ dagId: '1001', edges: [{ nodeFrom: 2 ** 53, nodeEnd: 2 }] }),
        (error) => error.code === 'InvalidParameter' && error.message.includes('beyond 2^53-1'),
      );
      const cyclic = { nodeFrom: 1 };
      cyclic.self = cyclic;
      await assert.rejects(client(fetch).addTaskFlowEdges({ dagId: '1001', edges: [cyclic] }), (error) => error.code === 'InvalidParameter');
      assert.equal(fetch.count, 0);
    });

    test('an empty string is sent (a description can be cleared); null and undefined leave a parameter out', async () => {
      const fetch = createFetchSpy();
      await client(fetch).updateTaskFlowNameAndDesc({ dagId: '1002', dagName: 'renamed', description: '' });
      assert.equal(fetch.calls[0].params.Description, '');
      assert.match(fetch.calls[0].body, /(^|&)Description=(&|$)/);
      const { taskFlowList } = await client().listTaskFlowsByPage({ dagIdList: [1002] });
      assert.equal(taskFlowList[0].description, '');
      const dagInstanceId = label === 'cjs' ? '7701' : '7702';
      emu.addInstance({ dagId: '1001', dagInstanceId, status: 'running', dagVersion: '3' });
      await client(fetch).stopTaskFlowInstance({ dagId: '1001', dagInstanceId, tid: null });
      await client(fetch).listTaskFlowInstance({ dagId: '1001', pageIndex: 1, pageSize: 10, status: undefined, triggerType: null });
      assert.ok(!('Tid' in fetch.calls[1].params));
      assert.ok(!('Status' in fetch.calls[2].params) && !('TriggerType' in fetch.calls[2].params));
    });
  });
}
