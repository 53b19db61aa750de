// Media files made in the tests, byte by byte, so no sample file is needed.

/** An MP4 of `duration` units of `timescale` a second: ftyp, `mdatBytes` of media
 *  data, then the movie header at the end (as a camera writes it), so a reader
 *  must find it past the data. */
export function mp4(timescale, duration, mdatBytes = 300 * 1024) {
  const box = (type, payload) => {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(8 + payload.length);
    h.write(type, 4, 'latin1');
    return Buffer.concat([h, payload]);
  };
  const mvhd = Buffer.alloc(100); // version 0: created, modified, timescale, duration, …
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(duration, 16);
  return Buffer.concat([box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1')), box('mdat', Buffer.alloc(mdatBytes, 7)),
    box('moov', box('mvhd', mvhd))]);
}
