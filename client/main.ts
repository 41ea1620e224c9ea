// Boots the single-page client: the app shell replaces whatever the server put
// in #app (a loading line, or a work's fallback content).
import './app/atelier-app.ts';

const app = document.getElementById('app');
const shell = document.createElement('atelier-app');
if (app) app.replaceWith(shell);
else document.body.append(shell);
