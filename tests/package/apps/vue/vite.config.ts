import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The one line Vue needs: <support-chat> is a custom element, not a Vue component.
export default defineConfig({ plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'support-chat' } } })] });
