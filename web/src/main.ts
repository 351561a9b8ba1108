import { createApp } from 'vue';
import App from './App.vue';
import { ApiError, installApiHooks } from './api/client.ts';
import { errorText, i18n } from './i18n/index.ts';
import { notify } from './notices.ts';
import { router } from './router.ts';
import { clearSession } from './session.ts';
import './styles.css';

installApiHooks({
  onSessionExpired() {
    clearSession(i18n.global.t('auth.expired'));
    const current = router.currentRoute.value;
    if (current.name !== 'login') void router.push({ name: 'login', query: current.fullPath === '/' ? {} : { next: current.fullPath } });
  },
  onPasswordChangeRequired() {
    void router.push({ name: 'change-password' });
  },
  onError(error) {
    notify('error', errorText(error.code, error.message));
  },
});

// A failed request has already been reported (a notice, or the move to the sign-in or password
// page) by the hooks above; the promise it rejects only stops the caller. Anything else is a
// bug: it is logged and the user told that something went wrong.
function isReported(error: unknown): boolean {
  return error instanceof ApiError;
}

window.addEventListener('unhandledrejection', (event) => {
  if (isReported(event.reason)) event.preventDefault();
});

router.onError((error: unknown, to) => {
  // A console rebuilt while this tab was open has new chunk names: load the page afresh.
  if (error instanceof TypeError && /dynamically imported module|Importing a module script failed/.test(error.message)) {
    window.location.assign(to.fullPath);
    return;
  }
  if (isReported(error)) return;
  console.error(error);
  notify('error', i18n.global.t('common.error'));
});

document.documentElement.lang = i18n.global.locale.value;
const app = createApp(App);
app.config.errorHandler = (error) => {
  if (isReported(error)) return;
  console.error(error);
  notify('error', i18n.global.t('common.error'));
};
app.use(i18n).use(router).mount('#app');
