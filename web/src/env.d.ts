// Lets plain TypeScript tooling (ESLint's type-aware rules) import single-file components;
// vue-tsc checks the components themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// Vite's module globbing (web/src/features/index.ts collects the feature folders).
interface ImportMeta {
  glob<T>(pattern: string, options: { eager: true }): Record<string, T>;
}
