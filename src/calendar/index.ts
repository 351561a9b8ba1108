/**
 * Working calendars: which local hours count as working time for a group (working hours per
 * weekday, public holidays, make-up working days; China's State Council format supported), and
 * time arithmetic on them — adding working or elapsed time to an instant and measuring time
 * between two instants, both excluding pause intervals. Pure: time zones through luxon, no clock
 * reads. Work-order deadlines and escalation are built on it.
 */
export {
  calendarDayKind,
  calendarDays,
  createWorkingCalendar,
  DEFAULT_TIME_ZONE,
  DEFAULT_WORKING_HOURS,
  isWorkingDay,
  isWorkingTime,
  standardWorkingDayMs,
  withCalendarDays,
  WEEKDAY_KEYS,
  type CalendarDay,
  type ClockRange,
  type WeekdayKey,
  type WorkingCalendar,
} from './working-calendar.ts';
export {
  addClockTime,
  addWorkingTime,
  clockTimeBetween,
  nextWorkingInstant,
  workingTimeBetween,
  type Pause,
} from './working-time.ts';
export {
  CalendarDocumentSchema,
  parseCalendarDocument,
  toCalendarDocument,
  type CalendarDocument,
  type CalendarFieldError,
  type ParseCalendarResult,
} from './calendar-document.ts';
export {
  chinaHolidayDays,
  chinaWorkingCalendar,
  formatHolidayText,
  parseHolidayText,
  type HolidayTextError,
  type ParseHolidayTextResult,
} from './china-format.ts';
export { chinaHolidays, type HolidayYear } from './china-holidays.ts';
