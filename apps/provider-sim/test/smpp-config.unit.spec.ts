import test from 'ava';
import { readSimulatorConfig } from '../src/config.js';
import { resolveSimulatorOptions } from '../src/options.js';

test('the SMPP server listens on 2775 with the development credentials by default', (t) => {
  const config = readSimulatorConfig({});
  t.is(config.smppPort, 2775);
  t.deepEqual(resolveSimulatorOptions(config.simulator).smpp, {
    systemId: 'herald',
    password: 'dev-smpp-pass',
  });
});

test('SIM_SMPP_PORT and the shared HERALD_SMPP_* credentials are read; 0 disables the server', (t) => {
  const config = readSimulatorConfig({
    SIM_SMPP_PORT: '0',
    HERALD_SMPP_SYSTEM_ID: 'acme',
    HERALD_SMPP_PASSWORD: 's3cret',
  });
  t.is(config.smppPort, 0);
  t.deepEqual(resolveSimulatorOptions(config.simulator).smpp, { systemId: 'acme', password: 's3cret' });
});

test('a bad SMPP variable stops start-up with its name', (t) => {
  t.throws(() => readSimulatorConfig({ SIM_SMPP_PORT: '70000' }), {
    message: /^SIM_SMPP_PORT must be an integer/,
  });
  t.throws(() => readSimulatorConfig({ HERALD_SMPP_PASSWORD: ' ' }), {
    message: /^HERALD_SMPP_PASSWORD must not be empty/,
  });
});
