export * from './frames';
export { checkClientFrame, exceedsFrameBytes, parseClientFrame, type ParseResult } from './parse';
