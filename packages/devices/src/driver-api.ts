/**
 * The version of the driver API (the `DeviceDriver` shape and what the agent does with it) that this
 * package implements. A driver package exports, as `driverApiVersion`, the version it was written
 * against, as a literal: the agent loads it only when the majors agree. A minor adds optional things
 * a driver may use; a major changes what drivers must do.
 */
// 1.1.0: a driver may declare `bluetooth` (the vendor GATT characteristics the gateway subscribes
// to and the writes it sends); a 1.0 driver runs unchanged.
export const DRIVER_API_VERSION = '1.1.0';

/** Why a driver built for `declared` cannot run on this API, or undefined when it can. */
export function driverApiMismatch(declared: unknown): string | undefined {
  if (declared === undefined)
    return `it declares no driver API version; fix: export const driverApiVersion = '${DRIVER_API_VERSION}' from the package (the version it was built and tested for)`;
  const major = typeof declared === 'string' ? /^(\d+)\.\d+\.\d+$/.exec(declared)?.[1] : undefined;
  if (major === undefined)
    return `its driverApiVersion ${JSON.stringify(declared)} is not a version like "${DRIVER_API_VERSION}"; fix: export the version it was built for`;
  const ours = DRIVER_API_VERSION.split('.')[0];
  if (major !== ours)
    return `it was built for driver API ${declared}, this agent runs ${DRIVER_API_VERSION}; fix: install a version of the driver made for driver API ${ours}.x`;
  return undefined;
}
