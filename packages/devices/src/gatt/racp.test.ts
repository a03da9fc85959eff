import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import * as racp from './racp.js';

describe('Record Access Control Point 0x2A52', () => {
  it('builds the requests a collector needs', () => {
    expect(toHex(racp.racpReportStoredRecords())).toBe('0101');
    expect(toHex(racp.racpReportStoredRecords({ records: 'from-sequence', sequenceNumber: 0x0123 }))).toBe(
      '0103012301',
    );
    expect(toHex(racp.racpReportNumberOfRecords())).toBe('0401');
    expect(toHex(racp.racpReportNumberOfRecords({ records: 'from-sequence', sequenceNumber: 5 }))).toBe(
      '0403010500',
    );
    expect(toHex(racp.racpAbort())).toBe('0300');
  });

  it('has no way to build a delete request', () => {
    const builders = Object.keys(racp).filter((name) => /delete/i.test(name));
    expect(builders).toEqual([]);
  });

  it('parses the meter’s responses', () => {
    expect(racp.decodeRacp(fromHex('05002a00'))).toEqual({ type: 'number-of-records', count: 42 });
    expect(racp.decodeRacp(fromHex('06000101'))).toEqual({
      type: 'response',
      requestOpCode: 1,
      response: 'success',
    });
    expect(racp.decodeRacp(fromHex('06000106'))).toEqual({
      type: 'response',
      requestOpCode: 1,
      response: 'no-records-found',
    });
    expect(racp.decodeRacp(fromHex('060001ee'))).toEqual({
      type: 'response',
      requestOpCode: 1,
      response: 'unknown-238',
    });
  });

  it('parses requests too (for the simulator and for logs), delete included', () => {
    expect(racp.decodeRacp(fromHex('0103010500'))).toEqual({
      type: 'report-stored-records',
      selection: { records: 'from-sequence', sequenceNumber: 5 },
    });
    expect(racp.decodeRacp(fromHex('0201'))).toMatchObject({ type: 'other', opCode: 2, operator: 1 });
  });

  it('rejects reserved op codes and short responses', () => {
    expect(() => racp.decodeRacp(fromHex('0900'))).toThrow(/reserved/);
    expect(() => racp.decodeRacp(fromHex('0500'))).toThrow(/number of records/);
    expect(racp.racpResponseCode(1, 'no-records-found')).toEqual(Uint8Array.of(6, 0, 1, 6));
  });
});
