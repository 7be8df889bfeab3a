/** Environment the stack (or the local runtime) gives each function; read in one place. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export const envNames = {
  table: 'TABLE_NAME',
  sinqroSecret: 'SINQRO_SECRET_NAME',
  sinqroApiBaseUrl: 'SINQRO_API_BASE_URL',
  toSinqroQueue: 'TO_SINQRO_QUEUE_URL',
  posCode: 'POS_CODE',
  /** Per adapter: `WORK_QUEUE_URL_<CODE>`, `POS_SECRET_NAME_<CODE>`, `POS_BASE_URL_<CODE>`. */
  workQueue: (posCode: string) => `WORK_QUEUE_URL_${posCode.toUpperCase()}`,
  posSecret: (posCode: string) => `POS_SECRET_NAME_${posCode.toUpperCase()}`,
  posBaseUrl: (posCode: string) => `POS_BASE_URL_${posCode.toUpperCase()}`,
};
