import { describe, expect, it } from 'vitest';
import { toBytes } from '../bytes.js';
import { decode } from '../registry.js';
import { encode } from '../simulate/index.js';
import { parseTanitaRecord } from './tanita.js';

/** The SC-330 sample frame published with an open-source Tanita reader (its checksum recomputes). */
const SC330 =
  '{0,16,~0,1,~1,1,~2,1,MO,"SC-330",SN,"00000001",ID,"0000000000",Da,"25/09/2014",TI,"08:20",Bt,0,GE,1,AG,34,Hm,191.0,Pt,0.0,Wk,89.2,FW,18.8,fW,16.8,MW,72.4,mW,68.8,sW,13,bW,3.6,wW,48.0,ww,53.8,MI,24.5,Sw,80.3,OV,11.1,IF,6,rb,8874,rB,2121,rJ,13,rA,29,ZF,501.8,CS,D9}\r\n';

describe('tanita', () => {
  it('decodes a full SC-330 record, keeping unknown keys', () => {
    const result = decode('tanita', SC330);
    expect(result).toEqual({
      ok: true,
      measurement: {
        kind: 'body-composition',
        bodyFat: { value: 18.8, unit: '%' },
        weight: { value: 89.2, unit: 'kg' },
        height: { value: 191, unit: 'cm' },
        fatMass: { value: 16.8, unit: 'kg' },
        fatFreeMass: { value: 72.4, unit: 'kg' },
        muscleMass: { value: 68.8, unit: 'kg' },
        boneMass: { value: 3.6, unit: 'kg' },
        bodyWaterMass: { value: 48, unit: 'kg' },
        bodyWaterPercentage: { value: 53.8, unit: '%' },
        bmi: { value: 24.5, unit: 'kg/m2' },
        visceralFatRating: { value: 6, unit: '1' },
        basalMetabolism: { value: 8874, unit: 'kJ' },
        metabolicAge: { value: 29, unit: 'a' },
        impedance: { value: 501.8, unit: 'Ohm' },
        sex: 'male',
        age: 34,
        deviceTime: '2014-09-25T08:20',
        extra: {
          model: 'SC-330',
          serialNumber: '00000001',
          subjectId: '0000000000',
          bodyType: 0,
          clothesTareKg: 0,
          sW: 13,
          Sw: 80.3,
          OV: 11.1,
          basalMetabolismKcal: 2121,
          rJ: 13,
        },
      },
    });
  });

  it('reads each model’s date format from its key', () => {
    const withDate = (key: string, date: string) => {
      const body = `{0,16,~0,1,~1,1,~2,1,${key},"${date}",TI,"10:05",FW,20.0,`;
      let sum = 0;
      for (const b of toBytes(body)) sum += b;
      return `${body}CS,${(sum & 0xff).toString(16).toUpperCase().padStart(2, '0')}\r\n`;
    };
    expect(decode('tanita', withDate('DA', '19/01/30'))).toMatchObject({
      measurement: { deviceTime: '2019-01-30T10:05' },
    });
    expect(decode('tanita', withDate('Da', '30/01/2019'))).toMatchObject({
      measurement: { deviceTime: '2019-01-30T10:05' },
    });
    expect(decode('tanita', withDate('DT', '2019/01/30'))).toMatchObject({
      measurement: { deviceTime: '2019-01-30T10:05' },
    });
    expect(decode('tanita', withDate('DT', '2019/02/30'))).toMatchObject({
      measurement: { extra: { dateDT: '2019/02/30' } },
    });
  });

  it('checks the checksum and the structure', () => {
    expect(decode('tanita', SC330.replace('CS,D9', 'CS,D8'))).toMatchObject({
      ok: false,
      error: { code: 'BAD_CHECKSUM' },
    });
    expect(decode('tanita', SC330.slice(0, 60))).toMatchObject({ ok: false, error: { code: 'TRUNCATED' } });
    expect(decode('tanita', 'MO,"x",CS,00')).toMatchObject({ ok: false, error: { code: 'BAD_FORMAT' } });
  });

  it('refuses unit settings it cannot confirm rather than misreading pounds as kilograms', () => {
    const body = '{0,16,~0,2,~1,1,~2,1,Wk,150.0,';
    let sum = 0;
    for (const b of toBytes(body)) sum += b;
    const line = `${body}CS,${(sum & 0xff).toString(16).toUpperCase().padStart(2, '0')}`;
    expect(() => parseTanitaRecord(line)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('encodes a record its decoder reads back', () => {
    const first = decode('tanita', SC330);
    if (!first.ok) throw first.error;
    expect(decode('tanita', encode('tanita', first.measurement))).toEqual(first);
  });
});
