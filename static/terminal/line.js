// The line being typed at the prompt: the text, the cursor, and the history the arrow keys walk through.

export class LineEditor {
  constructor(term, prompt) {
    this.term = term;
    this.prompt = prompt;
    this.text = "";
    this.cursor = 0;
    this.history = [];
    this.recalled = 0; // how many lines back the up arrow has gone (0: the line being typed)
    this.draft = "";
  }

  // Draw the prompt and the line, with the cursor where it belongs.
  render() {
    const back = this.text.length - this.cursor;
    this.term.write(`\r\x1b[K${this.prompt}${this.text}${back ? `\x1b[${back}D` : ""}`);
  }

  insert(typed) {
    this.text = this.text.slice(0, this.cursor) + typed + this.text.slice(this.cursor);
    this.cursor += typed.length;
    this.render();
  }

  backspace() {
    if (this.cursor === 0) return;
    this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor);
    this.cursor -= 1;
    this.render();
  }

  move(to) {
    this.cursor = Math.max(0, Math.min(this.text.length, to));
    this.render();
  }

  replace(text) {
    this.text = text;
    this.cursor = text.length;
    this.render();
  }

  // Up (-1) and down (+1) through the lines entered before, keeping what was being typed.
  recall(direction) {
    const next = this.recalled - direction;
    if (next < 0 || next > this.history.length) return;
    if (this.recalled === 0) this.draft = this.text;
    this.recalled = next;
    this.replace(next === 0 ? this.draft : this.history[this.history.length - next]);
  }

  // The line entered: remembered (unless it repeats the last one) and cleared for the next.
  take() {
    const line = this.text;
    if (line.trim() && this.history[this.history.length - 1] !== line) this.history.push(line);
    this.text = "";
    this.cursor = 0;
    this.recalled = 0;
    this.draft = "";
    return line;
  }

  // The text before the cursor, split into the words a completion looks at.
  wordsBeforeCursor() {
    return this.text.slice(0, this.cursor).split(/\s+/);
  }
}
