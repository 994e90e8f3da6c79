export * from './types';
export * from './state';
export * from './engine';
export * from './outbox';
export * from './undo';
export * from './order';
