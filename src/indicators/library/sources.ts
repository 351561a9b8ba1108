/**
 * Where each library indicator's definition comes from. `tpha` is the national tertiary public
 * hospital performance assessment (国家三级公立医院绩效考核, 国办发〔2019〕4号, indicators numbered
 * 1–55 as in its operating manual); `statistics` the national health statistics survey system
 * (国家卫生健康统计调查制度), whose definitions those indicators build on; `yunjian` an operational
 * indicator with no national definition, defined here. A test requires an entry for every
 * library indicator, and the README table prints it.
 */
export type IndicatorSource =
  | { readonly body: 'tpha'; readonly number: number; readonly official: string; readonly note?: string }
  | { readonly body: 'statistics'; readonly official: string; readonly note?: string }
  | { readonly body: 'yunjian'; readonly note?: string };

const tpha = (number: number, official: string, note?: string): IndicatorSource => ({ body: 'tpha', number, official, ...(note === undefined ? {} : { note }) });
const statistics = (official: string, note?: string): IndicatorSource => ({ body: 'statistics', official, ...(note === undefined ? {} : { note }) });
const own = (note?: string): IndicatorSource => ({ body: 'yunjian', ...(note === undefined ? {} : { note }) });

export const LIBRARY_SOURCES: Readonly<Record<string, IndicatorSource>> = {
  outpatient_visits: statistics('门诊人次', 'numerator of TPHA 1; emergency visits excluded'),
  emergency_visits: statistics('急诊人次'),
  outpatient_patients: own('distinct patients of outpatient_visits'),
  online_visit_share: own(),
  appointment_rate: tpha(22, '门诊患者预约诊疗率'),
  avg_wait_after_appointment: tpha(23, '门诊患者预约后平均等待时间'),
  consult_first_response_p50: own(),
  consult_first_response_p90: own(),
  discharges: statistics('出院人数', 'denominator of TPHA 1'),
  avg_length_of_stay: statistics('出院者平均住院日 = 出院者占用总床日数 / 出院人数'),
  open_bed_days: statistics('实际开放总床日数'),
  bed_occupancy: statistics('病床使用率 = 实际占用总床日数 / 实际开放总床日数', 'occupied bed-days approximated by those of the stays discharged in the period'),
  outpatient_to_discharge_ratio: tpha(1, '门诊人次数与出院人次数比'),
  medical_revenue: statistics('医疗收入', 'base of TPHA 37 医疗收入增幅 (the year-on-year change of this value)'),
  outpatient_cost_per_visit: statistics('门诊患者次均医药费用', 'base of TPHA 38 门诊次均费用增幅 (the year-on-year change of this value)'),
  drug_revenue_share: statistics('药品收入占医疗收入比例', 'not one of the 55'),
  service_revenue_share: tpha(31, '医疗服务收入（不含药品、耗材、检查检验收入）占医疗收入比例'),
  insurance_share: tpha(28, '门诊收入中来自医保基金的比例', 'charges marked payer = insurance stand for the fund’s part'),
  pharmacist_review_rate: own('prescriptions reviewed before dispensing; not TPHA 16 (点评处方, reviewed afterwards)'),
  essential_drug_rx_share: tpha(18, '门诊患者基本药物处方占比'),
  antibiotic_rx_share: own('门诊患者抗菌药物处方比例 of antimicrobial stewardship; not one of the 55'),
  central_procurement_share: tpha(21, '国家组织药品集中采购中标药品使用比例'),
  outpatient_satisfaction: tpha(52, '门诊患者满意度', 'from survey events of scope outpatient'),
  inpatient_satisfaction: tpha(53, '住院患者满意度', 'from survey events of scope inpatient'),
  online_satisfaction: own(),
  complaints_per_10k_visits: own(),
  followup_completion: own(),
  calls_offered: own(),
  call_service_level_20s: own(),
  call_abandon_rate: own(),
  call_avg_speed_of_answer: own(),
  call_avg_handle_time: own(),
  call_satisfaction: own(),
  delivery_on_time_rate: own(),
  delivery_rx_share: own(),
  equipment_availability: own(),
  equipment_faults: own(),
  equipment_repair_cost: own(),
  quality_cost_prevention: own('quality cost (品质成本) per the prevention–appraisal–failure model'),
  quality_cost_appraisal: own('quality cost (品质成本) per the prevention–appraisal–failure model'),
  quality_cost_internal_failure: own('quality cost (品质成本) per the prevention–appraisal–failure model'),
  quality_cost_external_failure: own('quality cost (品质成本) per the prevention–appraisal–failure model'),
  quality_cost_total: own('quality cost (品质成本) per the prevention–appraisal–failure model'),
  quality_cost_revenue_ratio: own(),
  workorder_created: own(),
  workorder_ack_on_time_rate: own(),
  workorder_resolve_on_time_rate: own(),
  workorder_mean_ack_minutes: own(),
  workorder_mean_resolve_minutes: own(),
  workorder_overdue: own(),
  workorder_reopened: own(),
};

/** The source as one README cell, e.g. "三级公立医院绩效考核 22 门诊患者预约诊疗率". */
export function sourceLabel(source: IndicatorSource | undefined): string {
  if (source === undefined) return '—';
  const note = source.note === undefined ? '' : ` (${source.note})`;
  switch (source.body) {
    case 'tpha':
      return `三级公立医院绩效考核 ${String(source.number)} ${source.official}${note}`;
    case 'statistics':
      return `卫生健康统计调查制度 ${source.official}${note}`;
    case 'yunjian':
      return `yunjian${note}`;
  }
}
