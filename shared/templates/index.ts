export * from './schema';
export * from './validate';
export * from './pick';
export * from './admin';
export * from './filter';
