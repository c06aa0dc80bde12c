import { createApp } from 'vue';
import '@support-chat/widget';
import App from './App.vue';

createApp(App).mount('#app');
