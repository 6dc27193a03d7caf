package render

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"io"
)

// encodePNG writes m as a PNG: 8-bit RGB, no row filters, zlib's fastest
// level. image/png picks a filter for every row by trying all five and
// keeping the smallest sum of differences; on a plot (flat white with thin
// lines) that search costs twice what compressing the rows does, and the
// unfiltered file is the same size to within a few percent. An image with
// any transparency goes to image/png, which keeps its alpha channel.
func encodePNG(w io.Writer, m *image.RGBA) error {
	if !m.Opaque() {
		return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, m)
	}
	b := m.Bounds()
	width, height := b.Dx(), b.Dy()
	bw := bufio.NewWriter(w)
	if _, err := io.WriteString(bw, "\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8] = 8 // bits per sample
	ihdr[9] = 2 // colour type: RGB
	// compression, filter method and interlace are all 0
	if err := writeChunk(bw, "IHDR", ihdr[:]); err != nil {
		return err
	}
	idat := &chunkWriter{w: bw, typ: "IDAT", buf: make([]byte, 0, 1<<16)}
	zw, err := zlib.NewWriterLevel(idat, zlib.BestSpeed)
	if err != nil {
		return err
	}
	row := make([]byte, 1+3*width) // row[0] = 0: filter type None
	for y := b.Min.Y; y < b.Max.Y; y++ {
		px := m.Pix[m.PixOffset(b.Min.X, y):]
		px = px[:4*width]
		for x, o := 0, 1; x < len(px); x, o = x+4, o+3 {
			row[o], row[o+1], row[o+2] = px[x], px[x+1], px[x+2]
		}
		if _, err := zw.Write(row); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := idat.flush(); err != nil {
		return err
	}
	if err := writeChunk(bw, "IEND", nil); err != nil {
		return err
	}
	return bw.Flush()
}

// writeChunk writes one PNG chunk: length, type, data, CRC of type and data.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.Update(crc32.ChecksumIEEE(head[4:]), crc32.IEEETable, data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc)
	for _, b := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// chunkWriter cuts what is written to it into chunks of typ of at most
// cap(buf) bytes.
type chunkWriter struct {
	w   io.Writer
	typ string
	buf []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := copy(c.buf[len(c.buf):cap(c.buf)], p)
		c.buf, p = c.buf[:len(c.buf)+k], p[k:]
		if len(c.buf) == cap(c.buf) {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// flush writes what is buffered as one chunk, if anything is.
func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := writeChunk(c.w, c.typ, c.buf)
	c.buf = c.buf[:0]
	return err
}
