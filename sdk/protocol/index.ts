export * from './frames';
export { parseClientFrame, type ParseResult } from './parse';
