/** The few logging calls the simulator makes; argument order matches pino so one can be passed in. */
export interface SimLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Drops everything; the default for tests and embedded use. */
export const silentLogger: SimLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** One JSON object per line, the shape log shippers expect from a container. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): SimLogger {
  const log =
    (level: 'info' | 'warn' | 'error') =>
    (fields: Record<string, unknown>, message: string): void =>
      write(
        `${JSON.stringify({ level, time: new Date().toISOString(), service: 'provider-sim', msg: message, ...fields })}\n`,
      );
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
