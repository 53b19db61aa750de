// Entry: mounts the app shell and the router. Nothing here imports Vant or
// Element Plus: each section loads its own UI library on demand.
import { createApp } from 'vue';
import App from './App.vue';
import router from './router.js';
import './styles/base.css';

createApp(App).use(router).mount('#app');
