import { reactive } from 'vue';

/** Short messages shown in the corner (saved, failed); errors stay until closed. */
export interface Notice {
  readonly id: number;
  readonly kind: 'success' | 'error';
  readonly text: string;
}

export const notices = reactive<Notice[]>([]);
let nextId = 1;

export function notify(kind: Notice['kind'], text: string): void {
  const id = nextId++;
  notices.push({ id, kind, text });
  if (kind === 'success') setTimeout(() => { dismiss(id); }, 4000);
}

export function dismiss(id: number): void {
  const at = notices.findIndex((n) => n.id === id);
  if (at >= 0) notices.splice(at, 1);
}
