/**
 * Simulated patients: resident-ID-like raw identifiers (the server pseudonymises them), ages,
 * and the bookkeeping that makes patients come back: follow-up intents per department and a
 * ring of recent offline patients that the internet hospital's follow-up consultations draw on.
 */
import { createMinHeap, type MinHeap } from './min-heap.ts';
import type { Random } from './random.ts';
import { DAY_MS } from './time-profile.ts';

export interface Patient {
  readonly id: string;
  readonly birthMs: number;
}

export interface ReturnIntent {
  readonly dueAt: number;
  readonly expiresAt: number;
  readonly patient: Patient;
}

const REGIONS = ['310101', '310104', '310115', '320102', '330106', '110105', '440106', '510107', '420106', '370102'];
const CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** An 18-character resident identity number with a valid ISO 7064 MOD 11-2 check character. */
export function residentIdNumber(region: string, birthMs: number, sequence: number, female: boolean): string {
  const birth = new Date(birthMs).toISOString().slice(0, 10).replaceAll('-', '');
  const seq = sequence % 1000;
  const sexAdjusted = (seq % 2 === 1) === !female ? seq : (seq + 1) % 1000;
  const body = `${region}${birth}${String(sexAdjusted).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (CHECK_WEIGHTS[i] ?? 0);
  return body + (CHECK_CHARS[sum % 11] ?? '0');
}

export interface AgeBand {
  readonly min: number;
  readonly max: number;
  readonly female?: boolean;
}

export function ageBandFor(departmentSuffix: string): AgeBand {
  switch (departmentSuffix) {
    case 'PEDS':
      return { min: 0, max: 14 };
    case 'OBGY':
      return { min: 20, max: 45, female: true };
    case 'GERI':
      return { min: 65, max: 92 };
    default:
      return { min: 18, max: 85 };
  }
}

export function newPatient(rng: Random, atMs: number, band: AgeBand): Patient {
  const ageDays = rng.uniform(band.min * 365.25, (band.max + 1) * 365.25 - 1);
  const birthMs = Math.floor((atMs - ageDays * DAY_MS) / DAY_MS) * DAY_MS;
  const female = band.female ?? rng.chance(0.52);
  return { id: residentIdNumber(rng.pick(REGIONS), birthMs, rng.int(0, 999), female), birthMs };
}

export function ageYears(patient: Patient, atMs: number): number {
  return Math.floor((atMs - patient.birthMs) / (365.25 * DAY_MS));
}

export interface PatientBook {
  /** Queue a return visit to an offline department. */
  planReturn(department: string, intent: ReturnIntent): void;
  /** A patient due back in the department at `atMs` (dropping expired intents), if any. */
  takeReturn(department: string, atMs: number): Patient | undefined;
  /** Remember a recent offline patient under a pool name (a hospital, or its children). */
  rememberOffline(pool: string, patient: Patient): void;
  /** A recent offline patient from the pool, for an online follow-up consultation. */
  recentOffline(pool: string, rng: Random): Patient | undefined;
}

const RING_SIZE = 4000;

export function createPatientBook(): PatientBook {
  const queues = new Map<string, MinHeap<ReturnIntent>>();
  const rings = new Map<string, Patient[]>();
  const cursors = new Map<string, number>();
  return {
    planReturn(department, intent) {
      let q = queues.get(department);
      if (!q) {
        q = createMinHeap<ReturnIntent>((a, b) => a.dueAt < b.dueAt);
        queues.set(department, q);
      }
      q.push(intent);
    },
    takeReturn(department, atMs) {
      const q = queues.get(department);
      if (!q) return undefined;
      for (let top = q.peek(); top && top.dueAt <= atMs; top = q.peek()) {
        q.pop();
        if (top.expiresAt >= atMs) return top.patient;
      }
      return undefined;
    },
    rememberOffline(hospital, patient) {
      let ring = rings.get(hospital);
      if (!ring) {
        ring = [];
        rings.set(hospital, ring);
      }
      const cursor = cursors.get(hospital) ?? 0;
      ring[cursor % RING_SIZE] = patient;
      cursors.set(hospital, cursor + 1);
    },
    recentOffline(hospital, rng) {
      const ring = rings.get(hospital);
      return ring && ring.length > 0 ? rng.pick(ring) : undefined;
    },
  };
}
