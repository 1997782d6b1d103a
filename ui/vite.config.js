// Bundles the trial browser into the ui jar: the platform serves META-INF/resources from it.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/main/web',
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../../target/classes/META-INF/resources',
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 400,
    reportCompressedSize: true,
  },
  // `npm exec vite` beside a running platform: the UI with live reload against its API
  server: { proxy: { '/api': 'http://localhost:8080', '/git': 'http://localhost:8080' } },
});
