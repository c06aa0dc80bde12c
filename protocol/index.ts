export * from './frames';
export { checkClientFrame, parseClientFrame, type ParseResult } from './parse';
