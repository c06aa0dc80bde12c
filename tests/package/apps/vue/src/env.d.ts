/// <reference types="vite/client" />
import type {} from '@support-chat/widget/vue';
