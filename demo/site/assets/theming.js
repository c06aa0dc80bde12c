// Wires the theming page's controls to the inline widget's attributes.
const chat = document.getElementById('inline');
const form = document.getElementById('controls');
form.addEventListener('input', (event) => {
  const { name, value } = event.target;
  chat.setAttribute(name, name === 'radius' ? `${value}px` : value);
});
