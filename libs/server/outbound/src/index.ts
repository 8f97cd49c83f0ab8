export * from './address-ranges.js';
export * from './cidr.js';
export * from './ip-address.js';
export * from './outbound-guard.js';
export * from './outbound-policy.js';
