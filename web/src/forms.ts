import { ref } from 'vue';
import { ApiError } from './api/client.ts';
import { errorText, i18n } from './i18n/index.ts';

/**
 * State for one form submission: `run` clears the error, marks the form busy, and turns a
 * refused request into the server's message (translated when the code is known) beside the form.
 */
export function useSubmit() {
  const busy = ref(false);
  const error = ref<string | null>(null);
  async function run(action: () => Promise<void>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      await action();
      return true;
    } catch (e) {
      error.value = e instanceof ApiError ? errorText(e.code, e.message) : i18n.global.t('common.error');
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run, reset: () => { error.value = null; } };
}

export function formatTime(value: string | null, locale: string): string {
  if (value === null) return '—';
  return new Date(value).toLocaleString(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
