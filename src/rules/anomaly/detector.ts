import { lagExpectation, pushLag } from './lag.ts';
import { clippedSlope, median, pushBounded, robustSigma } from './robust.ts';
import { SLOT_COUNT, emptyProfile, expectationSlot, pooledSlotOf, seasonKindOf, slotOf, slotReadyCount, updateProfile } from './seasonal.ts';
import { emptyHistogram, recordStatistic, tailShare } from './surprise.ts';
import type { AnomalyKind, DetectorConfig, DetectorState, DetectorStep, SeriesPoint } from './types.ts';

const HOUR_MS = 3_600_000;
const ERROR_RATE = 0.02;
/** The seasonal profile is used only when its error is clearly below the rolling baseline's. */
const SEASONAL_ADVANTAGE = 0.8;
/** Sigmas from the window median beyond which values are clipped before a slope is fitted. */
const SLOPE_CLIP = 3;
/** Raw score above which an alarm's episode is still going on. */
const EPISODE_SCORE = 0.5;

/** Measured on the NAB subset (see scripts/eval-nab.ts); one setting for every series. */
export const defaultDetectorConfig: DetectorConfig = {
  windowSize: 96,
  shortWindow: 6,
  warmup: 48,
  warmupMs: 28 * 24 * HOUR_MS,
  minWarmup: 8,
  quietMs: 4 * HOUR_MS,
  alarmScore: 0.9,
  zHalf: 3,
  calibrationHorizon: 5000,
  utcOffsetMinutes: 480,
  seasonality: 'auto',
  extremeTolerance: 0.05,
  extremeScore: 0.95,
};

/** The state layout this code reads; a stored state of another version is replaced by a warm start. */
export const DETECTOR_VERSION = 3;

export function createDetector(config: Partial<DetectorConfig> = {}): DetectorState {
  return {
    version: DETECTOR_VERSION,
    config: { ...defaultDetectorConfig, ...config },
    count: 0,
    lastTimestamp: null,
    cadenceMs: null,
    window: [],
    profile: emptyProfile(),
    pooled: emptyProfile(),
    flatError: null,
    seasonalError: null,
    lagTimes: [],
    lagValues: [],
    lagError: null,
    lagSlotError: new Array<number | null>(SLOT_COUNT).fill(null),
    profileSlotError: new Array<number | null>(SLOT_COUNT).fill(null),
    rangeMin: null,
    rangeMax: null,
    episodeAt: null,
    episodeSide: 0,
    history: emptyHistogram(),
  };
}

/** Points of history needed before a judgement: `warmup` points, or `warmupMs` of history when
 * that is fewer points (a daily series waits four weeks, a weekly or monthly one `minWarmup` points). */
export function warmupPoints(cfg: DetectorConfig, cadenceMs: number | null): number {
  if (cadenceMs === null) return cfg.warmup;
  return Math.max(Math.min(cfg.minWarmup, cfg.warmup), Math.min(cfg.warmup, Math.ceil(cfg.warmupMs / cadenceMs)));
}

/** Maps a robust z to 0..1: 0.5 at zHalf, close to 1 at twice that. */
function zToScore(z: number, zHalf: number): number {
  return 1 - Math.exp(-Math.LN2 * (z / zHalf) ** 2);
}

/** Smoothed sampling interval; a single gap moves it by at most a factor of four. */
function nextCadence(previous: number | null, dt: number | null): number | null {
  if (dt === null || dt <= 0) return previous;
  if (previous === null) return dt;
  const clipped = Math.min(4 * previous, Math.max(previous / 4, dt));
  return previous + 0.05 * (clipped - previous);
}

function nextError(previous: number | null, error: number): number {
  if (previous === null) return error;
  return previous + ERROR_RATE * (Math.min(error, 3 * previous + 1e-12) - previous);
}

/** Per-slot running mean absolute errors with this point's error folded into its slot (unchanged
 * without a slot or an expectation). Not clipped: they compare two expectations on the same
 * points, where a rare large miss (a step inside the hour) is what tells them apart. */
function slotErrors(errors: readonly (number | null)[], slot: number | null, value: number, expected: number | null): readonly (number | null)[] {
  if (slot === null || expected === null) return errors;
  const error = Math.abs(value - expected);
  return errors.map((e, i) => (i === slot ? (e === null ? error : e + ERROR_RATE * (error - e)) : e));
}

interface Baseline {
  /** Which expectation judges the point: the rolling median, the slot profile or the same time on the last days. */
  readonly model: 'flat' | 'profile' | 'lag';
  readonly center: number;
  readonly sigma: number;
  readonly flatCenter: number;
  readonly flatSigma: number;
  /** The profile slot of this point and the pooled slot (null: no seasonal profile at this cadence). */
  readonly slot: number | null;
  readonly pooledSlot: number | null;
  /** Seasonal expectation for this point when the profile could give one. */
  readonly seasonalCenter: number | null;
  /** Same-time-of-day expectation (median of the last days at this time), when it could give one. */
  readonly lagCenter: number | null;
}

/** Expected value: the rolling median, or a daily pattern when it has proved better (the slot
 * profile, or at hourly or finer cadence the median of the same time on the last days, whichever
 * has erred less in this point's slot; see lag.ts). The profile's own slot is used once ready; until then its pooled slot (the same hour over all days,
 * or the same day type), so a series without a weekly pattern is not judged by a flat baseline on
 * its first weekends, and a holiday without history of its own is judged like a rest day. */
function baselineFor(state: DetectorState, point: SeriesPoint, cadenceMs: number | null, floor: number): Baseline {
  const cfg = state.config;
  const flatCenter = state.window.length > 0 ? median(state.window) : point.value;
  const flatSigma = Math.max(floor, robustSigma(state.window, flatCenter));
  const kind = cfg.seasonality === 'auto' ? seasonKindOf(cadenceMs) : null;
  if (kind === null || cadenceMs === null) return { model: 'flat', center: flatCenter, sigma: flatSigma, flatCenter, flatSigma, slot: null, pooledSlot: null, seasonalCenter: null, lagCenter: null };
  const lagCenter = kind === 'hourly' ? lagExpectation(state.lagTimes, state.lagValues, point.timestamp, cadenceMs) : null;
  const slot = slotOf(point.timestamp, cfg.utcOffsetMinutes, point.holiday, kind);
  const pooledSlot = pooledSlotOf(slot, kind);
  const ready = slotReadyCount(cadenceMs, kind);
  const own = expectationSlot(state.profile, slot, ready);
  const pooledFrom = own === null ? expectationSlot(state.pooled, pooledSlot, ready) : null;
  const prof = own === null && pooledFrom !== null ? state.pooled : state.profile;
  const from = own ?? pooledFrom;
  const seasonalCenter = from === null ? null : (prof.center[from] ?? point.value);
  const flat = { model: 'flat' as const, center: flatCenter, sigma: flatSigma, flatCenter, flatSigma, slot, pooledSlot, seasonalCenter, lagCenter };
  if (state.flatError === null) return flat;
  const profileError = from !== null && seasonalCenter !== null ? state.seasonalError : null;
  const lagError = lagCenter !== null ? state.lagError : null;
  // Of the seasonal expectations that have tracked the series clearly better than the rolling
  // median, the one with the smaller running error in this point's slot judges it: the same-time-
  // of-day median where the daily pattern steps inside an hour, the slot profile elsewhere (and
  // on calendar holidays, which only the profile knows).
  const proven = (error: number | null): boolean => error !== null && error < SEASONAL_ADVANTAGE * (state.flatError ?? 0);
  const lagSlotError = state.lagSlotError[slot] ?? null;
  const useLag = lagCenter !== null && proven(lagError) && point.holiday === undefined;
  const useProfile = proven(profileError) && seasonalCenter !== null && from !== null;
  const lagSpread = Math.max(lagSlotError ?? 0, lagError ?? 0);
  const profileSlotError = state.profileSlotError[slot] ?? null;
  if (useLag && (!useProfile || (lagSlotError !== null && profileSlotError !== null && lagSlotError < profileSlotError))) {
    return { ...flat, model: 'lag', center: lagCenter, sigma: Math.max(floor, 1.25 * lagSpread) };
  }
  if (!useProfile || seasonalCenter === null || from === null) return flat;
  // A slot seen only a few times underestimates its spread; pool with the profile-wide error.
  const young = (prof.count[from] ?? 0) < 3 * ready;
  const spread = Math.max(prof.spread[from] ?? 0, young ? 0.5 * (state.seasonalError ?? 0) : 0);
  return { ...flat, model: 'profile', center: seasonalCenter, sigma: Math.max(floor, 1.25 * spread) };
}

/** Robust z of a level shift (recent median vs the older window) and of a change in slope. */
function changeStatistics(window: readonly number[], value: number, cfg: DetectorConfig, sigma: number) {
  if (window.length < cfg.windowSize) return { shiftZ: 0, trendZ: 0 };
  const keep = cfg.shortWindow - 1;
  const recent = [...window.slice(window.length - keep), value];
  const shiftZ = (median(recent) - median(window.slice(0, window.length - keep))) / sigma;
  const half = Math.floor(window.length / 2);
  // Slopes of values winsorised at the window median ± SLOPE_CLIP sigmas, so one spike in the
  // window does not read as a change of slope for as long as it stays there.
  const center = median(window);
  const newer = clippedSlope([...window.slice(window.length - half), value], center, SLOPE_CLIP * sigma);
  const trendZ = ((newer - clippedSlope(window.slice(0, half), center, SLOPE_CLIP * sigma)) * half) / sigma;
  return { shiftZ, trendZ };
}

/** True when `value` lies beyond the whole range seen so far by more than `tolerance` of its
 * width: a new extreme is suspicious however the local baseline has drifted towards it. */
function isNewExtreme(state: DetectorState, value: number, tolerance: number): boolean {
  if (state.rangeMin === null || state.rangeMax === null || tolerance <= 0) return false;
  const margin = tolerance * (state.rangeMax - state.rangeMin);
  return margin > 0 && (value > state.rangeMax + margin || value < state.rangeMin - margin);
}

function kindOf(value: number, shift: number, trend: number, deviation: number, raw: number): AnomalyKind {
  if (raw < 0.5) return 'none';
  if (shift >= Math.max(value, trend)) return 'level_shift';
  if (trend >= value) return 'trend_change';
  return deviation >= 0 ? 'spike' : 'dip';
}

/** Feeds one point; pure: returns the next state and the explained score of this point. The
 * score is the larger component (deviation, level shift, trend change) weighted by how rare
 * such a deviation has been in this series, raised to `extremeScore` when the value leaves the
 * range seen so far, and is 0 within `refractory` points of an alarm. */
export function stepDetector(state: DetectorState, point: SeriesPoint): DetectorStep {
  const cfg = state.config;
  const v = point.value;
  const cadenceMs = nextCadence(state.cadenceMs, state.lastTimestamp === null ? null : point.timestamp - state.lastTimestamp);
  const rangeMin = Math.min(state.rangeMin ?? v, v);
  const rangeMax = Math.max(state.rangeMax ?? v, v);
  const floor = Math.max(1e-9, 1e-3 * (rangeMax - rangeMin), 1e-6 * Math.abs(v));
  const base = baselineFor(state, point, cadenceMs, floor);
  const deviation = v - base.center;
  // Shift and trend are judged on the rolling window; under a seasonal baseline the window's
  // movement is the season itself, and the slot deviation already catches a changed level.
  const seasonal = base.model !== 'flat';
  const { shiftZ, trendZ } = seasonal ? { shiftZ: 0, trendZ: 0 } : changeStatistics(state.window, v, cfg, base.flatSigma);
  const value = zToScore(deviation / base.sigma, cfg.zHalf);
  const shift = zToScore(shiftZ, cfg.zHalf);
  const trend = zToScore(trendZ, cfg.zHalf);
  const statistic = Math.max(Math.abs(deviation / base.sigma), Math.abs(shiftZ), Math.abs(trendZ));
  const warm = state.count >= warmupPoints(cfg, cadenceMs);
  const calibrated = (1 - tailShare(state.history, statistic)) * Math.max(value, shift, trend);
  // The range seen is only known after `warmup` points: on a short history every few points is a new extreme.
  const extreme = state.count >= cfg.warmup && isNewExtreme(state, v, cfg.extremeTolerance) ? cfg.extremeScore : 0;
  const raw = warm ? Math.max(calibrated, extreme) : 0;
  // Any raw alarm restarts the quiet period, so a shifted level that keeps deviating while the
  // baseline adapts does not alarm again and again.
  // One alarm per episode. An episode starts with an alarm and goes on while the series is still
  // abnormal (outside its expected range on the side it alarmed, or a raw score above one half: a
  // shifted level or slope the baseline has not adapted to yet) and until `quietMs` after its last
  // abnormal point; its points score 0.
  const side = Math.sign(deviation);
  const abnormal = (side === state.episodeSide && Math.abs(deviation) > cfg.zHalf * base.sigma) || raw >= EPISODE_SCORE;
  const quiet = state.episodeAt !== null && (abnormal || point.timestamp - state.episodeAt < cfg.quietMs);
  const score = quiet ? 0 : raw;
  const alarm = !quiet && raw >= cfg.alarmScore;
  const episodeAt = alarm || (quiet && abnormal) ? point.timestamp : quiet ? state.episodeAt : null;
  const kind = kindOf(value, shift, trend, deviation, raw);
  const lagged =
    cadenceMs !== null && seasonKindOf(cadenceMs) === 'hourly'
      ? (({ times, values }) => ({ lagTimes: times, lagValues: values }))(pushLag(state.lagTimes, state.lagValues, point.timestamp, v, cadenceMs))
      : { lagTimes: state.lagTimes, lagValues: state.lagValues };
  const next: DetectorState = {
    ...state,
    count: state.count + 1,
    lastTimestamp: point.timestamp,
    cadenceMs,
    window: pushBounded(state.window, v, cfg.windowSize),
    profile: base.slot === null ? state.profile : updateProfile(state.profile, base.slot, v, floor),
    pooled: base.pooledSlot === null ? state.pooled : updateProfile(state.pooled, base.pooledSlot, v, floor),
    flatError: state.window.length > 0 ? nextError(state.flatError, Math.abs(v - base.flatCenter)) : null,
    seasonalError:
      base.seasonalCenter === null ? state.seasonalError : nextError(state.seasonalError, Math.abs(v - base.seasonalCenter)),
    ...lagged,
    lagError: base.lagCenter === null ? state.lagError : nextError(state.lagError, Math.abs(v - base.lagCenter)),
    // Both daily expectations' errors in this slot, measured alike, for choosing between them (hourly or finer cadence).
    lagSlotError: slotErrors(state.lagSlotError, base.lagCenter === null ? null : base.slot, v, base.lagCenter),
    profileSlotError: slotErrors(state.profileSlotError, base.lagCenter === null ? null : base.slot, v, base.seasonalCenter),
    rangeMin,
    rangeMax,
    episodeAt,
    episodeSide: alarm ? side : episodeAt === null ? 0 : state.episodeSide,
    history: warm ? recordStatistic(state.history, statistic, cfg.calibrationHorizon) : state.history,
  };
  const low = base.center - cfg.zHalf * base.sigma;
  const high = base.center + cfg.zHalf * base.sigma;
  return {
    state: next,
    score,
    expected: { center: base.center, low, high },
    observed: v,
    deviation,
    z: deviation / base.sigma,
    kind,
    judged: warm,
  };
}
