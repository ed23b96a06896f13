'use strict';
const { clamp } = require('./clamp');

const MAX_VOLUME = 100;

/** A mixer channel whose volume stays within 0..MAX_VOLUME whatever the knob sends. */
class Channel {
  constructor(name, volume = 50) {
    this.name = name;
    this.volume = clamp(volume, 0, MAX_VOLUME);
  }

  turn(delta) {
    this.volume = clamp(this.volume + delta, 0, MAX_VOLUME);
    return this.volume;
  }

  mute() {
    this.volume = 0;
  }
}

module.exports = { Channel, MAX_VOLUME };
