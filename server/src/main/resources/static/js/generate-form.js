// The Generate form's live parts: a new cost line (htmx, on the "quote" event) when a field that
// changes the price changes, and a video model's size presets filling width and height. The model
// select is left out: its own request brings the new model's fields and cost line.
(function () {
  var form = document.getElementById('generate-form');
  if (!form) {
    return;
  }
  var timer;
  function quote(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      document.body.dispatchEvent(new Event('quote'));
    }, delay);
  }
  form.addEventListener('change', function (event) {
    var field = event.target;
    if (field.id === 'size-preset' && field.value) {
      var size = field.value.split('x');
      document.getElementById('width').value = size[0];
      document.getElementById('height').value = size[1];
    }
    if (field.id !== 'modelId' && field.tagName !== 'TEXTAREA') {
      quote(0);
    }
  });
  form.addEventListener('input', function (event) {
    if (event.target.type === 'number') {
      quote(400);
    }
  });
})();
