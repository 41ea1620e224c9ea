// Editing a layer with a painted mask, from the first stroke to the job: the
// mask session while it is painted, then the mask uploaded as an image of the
// room, added as a hidden layer beside the one it masks, and a job started
// with `editLayerId` and `maskLayerId`. Its result lands as a candidate.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type * as Y from 'yjs';
import type { Layer } from '../../shared/doc-schema.ts';
import type { GenParams, ImageSize } from '../../shared/protocol.ts';
import { describeError } from '../api/http.ts';
import { uploadImage } from '../api/rooms.ts';
import { addLayer, fittedLayer } from '../doc/layers.ts';
import { LOCAL_ORIGIN } from '../doc/local-origin.ts';
import { type LayerSize, MaskSession } from './mask-session.ts';

export interface MaskEditRequest {
  prompt: string;
  provider: string | undefined;
}

export interface MaskEditContext {
  roomId: string;
  invite: string | null;
  doc: Y.Doc;
  userId: string;
  /** The layer being edited, as it is now. */
  layer: Layer;
  /** Starts the job; an error message, or null. */
  start(params: GenParams): Promise<string | null>;
}

/** The size of an edit job: the one of the offered sizes whose shape is closest to the layer's. */
export function editSize(size: LayerSize): ImageSize {
  const ratio = size.width / size.height;
  if (ratio > 1.2) return '1536x1024';
  if (ratio < 1 / 1.2) return '1024x1536';
  return '1024x1024';
}

export class MaskEditController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  session: MaskSession | null = null;
  /** Counts the mask's and the brush's changes: the toolbar re-renders on it. */
  revision = 0;
  busy = false;
  error: string | null = null;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.session = null;
  }

  begin(layerId: string, size: LayerSize): void {
    this.session = new MaskSession(layerId, size, () => {
      this.revision++;
      this.#host.requestUpdate();
    });
    this.error = null;
    this.#host.requestUpdate();
  }

  end(): void {
    this.session = null;
    this.busy = false;
    this.error = null;
    this.#host.requestUpdate();
  }

  /** Uploads the mask, adds it as a hidden layer and starts the edit; true (and the session ends) when the job is accepted. */
  async submit(request: MaskEditRequest, context: MaskEditContext): Promise<boolean> {
    const session = this.session;
    if (!session || this.busy) return false;
    if (!session.painter.painted) {
      this.error = 'Paint over the part of the layer that should change first.';
      this.#host.requestUpdate();
      return false;
    }
    this.busy = true;
    this.error = null;
    this.#host.requestUpdate();
    try {
      const png = await session.painter.toPng();
      const uploaded = await uploadImage(context.roomId, png, context.invite);
      const { layer } = context;
      // A new layer (id, defaults) for the mask, hidden and placed as the layer it masks: turned on, it shows what was edited.
      const mask: Layer = {
        ...fittedLayer(
          { name: `Mask · ${layer.name}`, src: uploaded.url, width: uploaded.width, height: uploaded.height, createdBy: context.userId },
          { width: 1, height: 1 },
        ),
        visible: false,
        x: layer.x,
        y: layer.y,
        scale: layer.scale,
        rotation: layer.rotation,
      };
      const maskId = addLayer(context.doc, mask, LOCAL_ORIGIN);
      const params: GenParams = {
        prompt: request.prompt,
        editLayerId: layer.id,
        maskLayerId: maskId,
        size: editSize({ width: session.painter.width, height: session.painter.height }),
      };
      if (request.provider) params.provider = request.provider;
      const error = await context.start(params);
      if (error) this.error = error;
      else this.session = null;
      return error === null;
    } catch (err) {
      this.error = describeError(err);
      return false;
    } finally {
      this.busy = false;
      this.#host.requestUpdate();
    }
  }
}
