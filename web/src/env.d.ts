// Lets plain TypeScript tooling (ESLint's type-aware rules) import single-file components;
// vue-tsc checks the components themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
