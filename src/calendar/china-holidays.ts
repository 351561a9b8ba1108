/**
 * China's public holiday arrangements (国务院办公厅关于部分节假日安排的通知), in the
 * calendar format yunjian accepts for any group: `off` lists days off that would otherwise be
 * working days (including the weekday part of a holiday), `work` lists make-up working days
 * (调休上班) that fall on a weekend. Add a year here, or load one through the calendar API,
 * when the State Council publishes it.
 */
export interface HolidayYear {
  readonly year: number;
  readonly holidays: readonly { readonly name: string; readonly nameZh: string; readonly off: readonly string[]; readonly work: readonly string[] }[];
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export const chinaHolidays: readonly HolidayYear[] = [
  {
    year: 2025,
    holidays: [
      { name: "New Year's Day", nameZh: '元旦', off: ['2025-01-01'], work: [] },
      { name: 'Spring Festival', nameZh: '春节', off: days('2025-01-28', '2025-02-04'), work: ['2025-01-26', '2025-02-08'] },
      { name: 'Qingming Festival', nameZh: '清明节', off: days('2025-04-04', '2025-04-06'), work: [] },
      { name: 'Labour Day', nameZh: '劳动节', off: days('2025-05-01', '2025-05-05'), work: ['2025-04-27'] },
      { name: 'Dragon Boat Festival', nameZh: '端午节', off: days('2025-05-31', '2025-06-02'), work: [] },
      { name: 'National Day and Mid-Autumn Festival', nameZh: '国庆节、中秋节', off: days('2025-10-01', '2025-10-08'), work: ['2025-09-28', '2025-10-11'] },
    ],
  },
  {
    year: 2026,
    holidays: [
      { name: "New Year's Day", nameZh: '元旦', off: days('2026-01-01', '2026-01-03'), work: ['2026-01-04'] },
      { name: 'Spring Festival', nameZh: '春节', off: days('2026-02-15', '2026-02-23'), work: ['2026-02-14', '2026-02-28'] },
      { name: 'Qingming Festival', nameZh: '清明节', off: days('2026-04-04', '2026-04-06'), work: [] },
      { name: 'Labour Day', nameZh: '劳动节', off: days('2026-05-01', '2026-05-05'), work: ['2026-05-09'] },
      { name: 'Dragon Boat Festival', nameZh: '端午节', off: days('2026-06-19', '2026-06-21'), work: [] },
      { name: 'Mid-Autumn Festival', nameZh: '中秋节', off: days('2026-09-25', '2026-09-27'), work: [] },
      { name: 'National Day', nameZh: '国庆节', off: days('2026-10-01', '2026-10-07'), work: ['2026-09-20', '2026-10-10'] },
    ],
  },
];
