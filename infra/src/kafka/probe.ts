import { Kafka, logLevel } from 'kafkajs';

const PROBE_GROUP = 'herald-infra-readiness-probe';

/**
 * One readiness check: the broker answers metadata requests AND a group coordinator is available
 * (describing a group makes the broker create and load __consumer_offsets), so consumers started
 * right after do not loop on "the group coordinator is not available". Never throws.
 */
export async function probeKafka(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'herald-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    await admin.describeGroups([PROBE_GROUP]);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
