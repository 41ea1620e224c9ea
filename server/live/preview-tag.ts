// What marks a live preview's file as its room's (previews.ts), shared by the
// event loop and the preview thread.

export const WEBP_QUALITY = 70;

/** What a preview's EXIF says: the room it shows. */
export function previewTag(roomId: string): string {
  return `atelier live preview ${roomId}`;
}
