import { init, use, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue';

/**
 * The life cycle every ECharts component in the console shares, so each chart only says what it
 * draws: create the chart when the element mounts, redraw it from scratch when its inputs change
 * (notMerge, so a series that disappears is really removed), follow the container's size, and
 * dispose it with the component. Chart types and components stay registered by each chart (only
 * what it uses ends up in the bundle); the canvas renderer is common to all of them.
 */
use([CanvasRenderer]);

export interface EChartHandle {
  /** The live chart, or null before mount and after unmount. */
  readonly chart: () => ECharts | null;
}

export function useEChart(
  el: Readonly<Ref<HTMLElement | null>>,
  option: () => EChartsCoreOption,
  /** What the option reads; watched deeply, the chart is redrawn when it changes. */
  inputs: WatchSource,
  /** Called once after the first draw, e.g. to attach event handlers. */
  onReady?: (chart: ECharts) => void,
): EChartHandle {
  let chart: ECharts | null = null;
  let observer: ResizeObserver | null = null;

  onMounted(() => {
    if (!el.value) return;
    const created = init(el.value, undefined, { renderer: 'canvas' });
    chart = created;
    created.setOption(option(), { notMerge: true });
    onReady?.(created);
    observer = new ResizeObserver(() => { chart?.resize(); });
    observer.observe(el.value);
  });

  watch(inputs, () => { chart?.setOption(option(), { notMerge: true }); }, { deep: true });

  onBeforeUnmount(() => {
    observer?.disconnect();
    observer = null;
    chart?.dispose();
    chart = null;
  });

  return { chart: () => chart };
}

/** The console's axis colours: label text and grid/axis lines, on a light or a dark background. */
export function axisColors(dark = false): { readonly text: string; readonly line: string } {
  return dark ? { text: '#9fb3c8', line: 'rgba(159,179,200,.18)' } : { text: '#5b6b7b', line: '#e6ebf0' };
}

/** A time x-axis in the house style. */
export function timeAxis(dark = false, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { text, line } = axisColors(dark);
  return { type: 'time', axisLine: { lineStyle: { color: line } }, axisLabel: { color: text }, splitLine: { show: false }, ...extra };
}

/** A value y-axis in the house style: coloured labels, light horizontal grid lines. */
export function valueAxis(dark = false, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { text, line } = axisColors(dark);
  return { type: 'value', axisLabel: { color: text }, splitLine: { lineStyle: { color: line } }, ...extra };
}

/** Tooltip value text: the number in the reader's locale followed by the unit, or a dash when missing. */
export function unitValueFormatter(unit: string): (value: unknown) => string {
  return (value) => (typeof value === 'number' ? `${value.toLocaleString()}${unit}` : '—');
}
