/**
 * The simulated hospital group as data: three hospitals (the first runs the internet hospital),
 * their channels and departments, a group call center and a pharmacy delivery service, and the
 * sources that feed them. The tree is the same for every seed; only staff names depend on it.
 */
import { createRandom, mixSeed } from './random.ts';

export type OrgNodeKind = 'group' | 'hospital' | 'channel' | 'department' | 'team';
export type Channel = 'online' | 'offline';

export interface OrgNode {
  readonly code: string;
  readonly parentCode: string | null;
  readonly kind: OrgNodeKind;
  readonly name: string;
  readonly nameZh: string;
  readonly channel?: Channel;
}

export interface SimulatedSource {
  readonly code: string;
  readonly name: string;
  readonly orgUnit: string;
  readonly eventTypes: readonly string[];
}

/** A clinical department the generator sends patients to. */
export interface ClinicalDepartment {
  readonly code: string;
  readonly hospital: string;
  readonly suffix: string;
  readonly channel: Channel;
  /** Relative share of the hospital's (or the internet hospital's) visits. */
  readonly weight: number;
  readonly inpatient: boolean;
  /** Open around the clock (emergency). */
  readonly allHours: boolean;
}

export interface Doctor {
  readonly code: string;
  readonly nameZh: string;
  readonly department: string;
  /** Registered (备案) for online practice with the regulator (offline doctors: always true). */
  readonly registered: boolean;
}

export interface SimulatedGroup {
  readonly nodes: readonly OrgNode[];
  readonly sources: readonly SimulatedSource[];
  readonly departments: readonly ClinicalDepartment[];
  readonly doctors: readonly Doctor[];
  readonly pharmacists: readonly string[];
  readonly callAgents: readonly string[];
}

interface DepartmentKind {
  readonly name: string;
  readonly nameZh: string;
  readonly weight: number;
  readonly inpatient: boolean;
}

const DEPARTMENT_KINDS: Readonly<Record<string, DepartmentKind>> = {
  CARD: { name: 'Cardiology', nameZh: '心内科', weight: 1.2, inpatient: true },
  RESP: { name: 'Respiratory Medicine', nameZh: '呼吸内科', weight: 1.1, inpatient: true },
  GAST: { name: 'Gastroenterology', nameZh: '消化内科', weight: 1.0, inpatient: true },
  ENDO: { name: 'Endocrinology', nameZh: '内分泌科', weight: 0.8, inpatient: true },
  NEUR: { name: 'Neurology', nameZh: '神经内科', weight: 0.8, inpatient: true },
  GSUR: { name: 'General Surgery', nameZh: '普外科', weight: 0.8, inpatient: true },
  ORTH: { name: 'Orthopedics', nameZh: '骨科', weight: 0.9, inpatient: true },
  OBGY: { name: 'Obstetrics and Gynecology', nameZh: '妇产科', weight: 1.0, inpatient: true },
  PEDS: { name: 'Pediatrics', nameZh: '儿科', weight: 1.3, inpatient: true },
  OPHT: { name: 'Ophthalmology', nameZh: '眼科', weight: 0.7, inpatient: false },
  DERM: { name: 'Dermatology', nameZh: '皮肤科', weight: 0.7, inpatient: false },
  EMER: { name: 'Emergency Medicine', nameZh: '急诊科', weight: 0.9, inpatient: false },
  ENT: { name: 'Otolaryngology', nameZh: '耳鼻咽喉科', weight: 0.7, inpatient: false },
  TCM: { name: 'Traditional Chinese Medicine', nameZh: '中医科', weight: 0.8, inpatient: false },
  GP: { name: 'General Practice', nameZh: '全科医学科', weight: 1.0, inpatient: false },
  REHA: { name: 'Rehabilitation Medicine', nameZh: '康复医学科', weight: 0.6, inpatient: true },
  GERI: { name: 'Geriatrics', nameZh: '老年医学科', weight: 0.7, inpatient: true },
  STOM: { name: 'Stomatology', nameZh: '口腔科', weight: 0.8, inpatient: false },
};

interface HospitalPlan {
  readonly code: string;
  readonly name: string;
  readonly nameZh: string;
  /** Offline outpatient visits on an ordinary weekday at scale 1. */
  readonly dailyVisits: number;
  readonly offline: readonly string[];
  readonly online: readonly string[];
}

export const HOSPITALS: readonly HospitalPlan[] = [
  {
    code: 'H1',
    name: 'Yunjian First Hospital',
    nameZh: '云健第一医院',
    dailyVisits: 620,
    offline: ['CARD', 'RESP', 'GAST', 'ENDO', 'NEUR', 'GSUR', 'ORTH', 'OBGY', 'PEDS', 'OPHT', 'DERM', 'EMER'],
    online: ['GP', 'CARD', 'ENDO', 'DERM', 'PEDS'],
  },
  {
    code: 'H2',
    name: 'Yunjian Second Hospital',
    nameZh: '云健第二医院',
    dailyVisits: 380,
    offline: ['CARD', 'RESP', 'GAST', 'ORTH', 'OBGY', 'PEDS', 'ENT', 'TCM'],
    online: [],
  },
  {
    code: 'H3',
    name: 'Yunjian Third Hospital',
    nameZh: '云健第三医院',
    dailyVisits: 220,
    offline: ['GP', 'CARD', 'REHA', 'GERI', 'STOM', 'ORTH'],
    online: [],
  },
];

export const GROUP_CODE = 'YJ';
export const INTERNET_HOSPITAL = 'H1-ONL';
export const PHARMACY_REVIEW = 'H1-ONL-PHAR';
export const DELIVERY_SERVICE = 'H1-ONL-DLV';
export const CALL_CENTER = 'YJ-CC';
export const CALL_TEAMS = ['YJ-CC-T1', 'YJ-CC-T2'] as const;

export const SOURCE_CODES = {
  his: (hospital: string) => `${hospital}-HIS`,
  platform: 'IH-PLATFORM',
  callSwitch: 'CC-SWITCH',
  deliveryApp: 'DLV-APP',
} as const;

const HIS_TYPES = [
  'appointment', 'visit', 'prescription', 'admission', 'discharge', 'charge', 'complaint', 'survey',
  'followup', 'equipment', 'quality_event', 'expense',
] as const;

function groupNodes(): OrgNode[] {
  const nodes: OrgNode[] = [
    { code: GROUP_CODE, parentCode: null, kind: 'group', name: 'Yunjian Medical Group', nameZh: '云健医疗集团' },
  ];
  for (const h of HOSPITALS) {
    nodes.push({ code: h.code, parentCode: GROUP_CODE, kind: 'hospital', name: h.name, nameZh: h.nameZh });
    const off = `${h.code}-OFF`;
    nodes.push({ code: off, parentCode: h.code, kind: 'channel', name: 'Offline services', nameZh: '线下诊疗', channel: 'offline' });
    for (const s of h.offline) {
      const k = DEPARTMENT_KINDS[s];
      if (k) nodes.push({ code: `${off}-${s}`, parentCode: off, kind: 'department', name: k.name, nameZh: k.nameZh, channel: 'offline' });
    }
    if (h.online.length === 0) continue;
    const onl = `${h.code}-ONL`;
    nodes.push({ code: onl, parentCode: h.code, kind: 'channel', name: 'Yunjian Internet Hospital', nameZh: '云健互联网医院', channel: 'online' });
    for (const s of h.online) {
      const k = DEPARTMENT_KINDS[s];
      if (k) nodes.push({ code: `${onl}-${s}`, parentCode: onl, kind: 'department', name: `${k.name} (online)`, nameZh: `${k.nameZh}（线上）`, channel: 'online' });
    }
    nodes.push({ code: PHARMACY_REVIEW, parentCode: onl, kind: 'department', name: 'Online Pharmacy Review', nameZh: '线上药事审方', channel: 'online' });
    nodes.push({ code: DELIVERY_SERVICE, parentCode: onl, kind: 'department', name: 'Pharmacy Delivery Service', nameZh: '药品配送中心', channel: 'online' });
  }
  nodes.push({ code: CALL_CENTER, parentCode: GROUP_CODE, kind: 'department', name: 'Call Center (95xxx hotline)', nameZh: '客服呼叫中心' });
  nodes.push({ code: 'YJ-CC-T1', parentCode: CALL_CENTER, kind: 'team', name: 'Appointment Team', nameZh: '预约挂号组' });
  nodes.push({ code: 'YJ-CC-T2', parentCode: CALL_CENTER, kind: 'team', name: 'Enquiry and Complaint Team', nameZh: '咨询投诉组' });
  return nodes;
}

export function simulatedSources(): readonly SimulatedSource[] {
  return [
    ...HOSPITALS.map((h) => ({ code: SOURCE_CODES.his(h.code), name: `${h.nameZh} HIS`, orgUnit: h.code, eventTypes: HIS_TYPES })),
    {
      code: SOURCE_CODES.platform,
      name: '互联网医院平台 Internet hospital platform',
      orgUnit: INTERNET_HOSPITAL,
      eventTypes: ['visit', 'consultation', 'prescription', 'charge', 'survey'],
    },
    { code: SOURCE_CODES.callSwitch, name: '呼叫中心交换机 Call-center switch', orgUnit: CALL_CENTER, eventTypes: ['call', 'complaint'] },
    { code: SOURCE_CODES.deliveryApp, name: '药品配送 App Delivery app', orgUnit: DELIVERY_SERVICE, eventTypes: ['delivery'] },
  ];
}

function clinicalDepartments(): ClinicalDepartment[] {
  const out: ClinicalDepartment[] = [];
  for (const h of HOSPITALS) {
    for (const [channel, list] of [['offline', h.offline], ['online', h.online]] as const) {
      for (const suffix of list) {
        const k = DEPARTMENT_KINDS[suffix];
        if (!k) continue;
        const code = `${h.code}-${channel === 'offline' ? 'OFF' : 'ONL'}-${suffix}`;
        out.push({ code, hospital: h.code, suffix, channel, weight: k.weight, inpatient: channel === 'offline' && k.inpatient, allHours: suffix === 'EMER' });
      }
    }
  }
  return out;
}

const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董');
const GIVEN = Array.from('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌');

/** The whole simulated group for a seed: org tree, sources and staff. */
export function simulatedGroup(seed: number): SimulatedGroup {
  const rng = createRandom(mixSeed(seed, 0x0c0de));
  const departments = clinicalDepartments();
  const doctors: Doctor[] = [];
  let n = 0;
  const name = () => rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.6) ? rng.pick(GIVEN) : '');
  for (const d of departments) {
    // An online department has four doctors registered (备案) for online practice and one whose
    // registration is still pending: they do not consult online, except in an injected
    // unregistered_practice incident.
    const count = d.channel === 'online' ? 5 : 3 + Math.round(d.weight * 3);
    for (let i = 0; i < count; i++) {
      n++;
      const registered = d.channel === 'offline' || i < count - 1;
      doctors.push({ code: `${d.hospital}-D${String(n).padStart(4, '0')}`, nameZh: name(), department: d.code, registered });
    }
  }
  return {
    nodes: groupNodes(),
    sources: simulatedSources(),
    departments,
    doctors,
    pharmacists: ['PH01', 'PH02', 'PH03', 'PH04'].map((p) => `H1-${p}`),
    callAgents: Array.from({ length: 18 }, (_, i) => `YJ-CC-A${String(i + 1).padStart(2, '0')}`),
  };
}
